import type { ProviderProfile } from '../provider';
import type { VendorEntry } from '../vendor';
import { createOpenAiCompatibleLlm } from './complete';
import { createOpenAiCompatibleTts } from './synthesize';
import { createOpenAiCompatibleStt } from './transcribe';

/** A server speaking OpenAI's wire: its name, base URL (up to the version) and key. */
export interface CompatibleServer {
  name: string;
  baseUrl: string;
  apiKey: string;
}

/** The capabilities a compatible vendor serves: a default model and a catalog entry each. */
export interface CompatibleCapabilities {
  llm?: { model: string; profile: ProviderProfile };
  /** `translateModel`: the server translates (Whisper's `/audio/translations`) with this model. */
  stt?: { model: string; profile: ProviderProfile; translateModel?: string };
  tts?: { model: string; voice: string; profile: ProviderProfile };
}

/**
 * The adapters of a vendor that speaks OpenAI's wire: the base every such vendor reuses,
 * so its folder holds only data (variables, defaults, profiles).
 */
export function openAiCompatibleEntries(server: CompatibleServer, capabilities: CompatibleCapabilities): VendorEntry[] {
  const { llm, stt, tts } = capabilities;
  return [
    ...(llm ? [{ provider: createOpenAiCompatibleLlm({ ...server, defaultModel: llm.model }), profile: llm.profile }] : []),
    ...(stt
      ? [
          {
            provider: createOpenAiCompatibleStt({ ...server, defaultModel: stt.model, ...(stt.translateModel ? { translateModel: stt.translateModel } : {}) }),
            profile: stt.profile,
          },
        ]
      : []),
    ...(tts ? [{ provider: createOpenAiCompatibleTts({ ...server, defaultModel: tts.model, defaultVoice: tts.voice }), profile: tts.profile }] : []),
  ];
}
