import { z } from 'zod';
import { knownChatParams } from '../chat-params';
import { defineVendor } from '../vendor';
import { openAiCompatibleEntries } from './entries';
import { COMPATIBLE_EMBEDDING_PROFILE, COMPATIBLE_IMAGE_PROFILE, COMPATIBLE_LLM_PROFILE, COMPATIBLE_REALTIME_PROFILE } from './profile';

/**
 * The extra OpenAI-compatible servers listed in `VOXQ_CONFIG_FILE` (`compatible[]`): no
 * variables of its own, each server naming the variable that holds its key. Each serves chat,
 * embeddings when it names an `embeddingModel`, images when it names an `imageModel`, and
 * realtime sessions (OpenAI's Realtime WebSocket) when it names a `realtimeModel`.
 */
export const compatibleServers = defineVendor({
  name: 'compatible',
  env: z.object({}),
  providers: (_env, { config }) =>
    config.providers.compatible.flatMap((server) =>
      openAiCompatibleEntries(
        // Local servers (Ollama, llama.cpp) often take no key; they still get a placeholder header.
        { name: server.name, baseUrl: server.baseUrl, apiKey: server.apiKey ?? 'none' },
        {
          llm: {
            model: server.model,
            profile: server.chatParams ? { ...COMPATIBLE_LLM_PROFILE, chatParams: knownChatParams(server.name, server.chatParams) } : COMPATIBLE_LLM_PROFILE,
          },
          ...(server.embeddingModel ? { embedding: { model: server.embeddingModel, profile: COMPATIBLE_EMBEDDING_PROFILE } } : {}),
          ...(server.imageModel ? { image: { model: server.imageModel, profile: COMPATIBLE_IMAGE_PROFILE } } : {}),
          ...(server.realtimeModel ? { realtime: { model: server.realtimeModel, profile: COMPATIBLE_REALTIME_PROFILE } } : {}),
        },
      ),
    ),
});
