import { z } from 'zod';
import { knownChatParams } from '../chat-params';
import { defineVendor } from '../vendor';
import { createOpenAiCompatibleLlm } from './complete';
import { COMPATIBLE_LLM_PROFILE } from './profile';

/**
 * The extra OpenAI-compatible LLM servers listed in `VOXQ_CONFIG_FILE` (`compatible[]`):
 * no variables of its own, each server naming the variable that holds its key.
 */
export const compatibleServers = defineVendor({
  name: 'compatible',
  env: z.object({}),
  providers: (_env, { config }) =>
    config.providers.compatible.map((server) => ({
      // Local servers (Ollama, llama.cpp) often take no key; they still get a placeholder header.
      provider: createOpenAiCompatibleLlm({ name: server.name, baseUrl: server.baseUrl, apiKey: server.apiKey ?? 'none', defaultModel: server.model }),
      profile: server.chatParams ? { ...COMPATIBLE_LLM_PROFILE, chatParams: knownChatParams(server.name, server.chatParams) } : COMPATIBLE_LLM_PROFILE,
      upstream: server.baseUrl,
    })),
});
