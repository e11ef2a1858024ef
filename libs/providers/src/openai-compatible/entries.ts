import type { EmbeddingModelSpec, ImageModelSpec, ProviderProfile } from '../provider';
import type { VendorEntry } from '../vendor';
import { createOpenAiCompatibleLlm } from './complete';
import { createOpenAiCompatibleEmbedding } from './embed';
import { createOpenAiCompatibleImage } from './image';
import { createOpenAiCompatibleRealtime } from './realtime';
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
  /** `models`: those it serves by name with their limits (the default among them). */
  embedding?: { model: string; models?: Readonly<Record<string, EmbeddingModelSpec>>; profile: ProviderProfile };
  /** `models`: those it serves by name with the parameters each takes (the default among them). */
  image?: { model: string; models?: Readonly<Record<string, ImageModelSpec>>; profile: ProviderProfile };
  /** Live sessions over its `/realtime` WebSocket; `profile.speechModels` lists the other models it serves by name. */
  realtime?: { model: string; profile: ProviderProfile };
}

/**
 * The adapters of a vendor that speaks OpenAI's wire: the base every such vendor reuses,
 * so its folder holds only data (variables, defaults, profiles).
 */
export function openAiCompatibleEntries(server: CompatibleServer, capabilities: CompatibleCapabilities): VendorEntry[] {
  const { llm, stt, tts, embedding, image, realtime } = capabilities;
  const upstream = server.baseUrl;
  return [
    ...(llm ? [{ provider: createOpenAiCompatibleLlm({ ...server, defaultModel: llm.model }), profile: llm.profile, upstream }] : []),
    ...(stt
      ? [
          {
            provider: createOpenAiCompatibleStt({ ...server, defaultModel: stt.model, ...(stt.translateModel ? { translateModel: stt.translateModel } : {}) }),
            profile: stt.profile,
            upstream,
          },
        ]
      : []),
    ...(tts ? [{ provider: createOpenAiCompatibleTts({ ...server, defaultModel: tts.model, defaultVoice: tts.voice }), profile: tts.profile, upstream }] : []),
    ...(embedding
      ? [
          {
            provider: createOpenAiCompatibleEmbedding({ ...server, defaultModel: embedding.model, ...(embedding.models ? { models: embedding.models } : {}) }),
            profile: embedding.profile,
            upstream,
          },
        ]
      : []),
    ...(image
      ? [
          {
            provider: createOpenAiCompatibleImage({ ...server, defaultModel: image.model, ...(image.models ? { models: image.models } : {}) }),
            profile: image.profile,
            upstream,
          },
        ]
      : []),
    ...(realtime
      ? [
          {
            provider: createOpenAiCompatibleRealtime({ ...server, defaultModel: realtime.model }),
            profile: realtime.profile,
            upstream,
          },
        ]
      : []),
  ];
}
