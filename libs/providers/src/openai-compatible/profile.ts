import { COMPATIBLE_CHAT_PARAMS } from '../chat-params';
import type { ProviderProfile } from '../provider';

/** A self-hosted OpenAI-compatible server (Ollama, vLLM, llama.cpp): no per-token bill, unknown quality. */
export const COMPATIBLE_LLM_PROFILE: ProviderProfile = { quality: 0.6, costPerUnit: 0, latencyMs: 1_500, verticals: [], chatParams: COMPATIBLE_CHAT_PARAMS };

/** A self-hosted image model (Stable Diffusion, FLUX behind an OpenAI-compatible server): no per-image bill, unknown quality, a slow call. */
export const COMPATIBLE_IMAGE_PROFILE: ProviderProfile = { quality: 0.6, costPerUnit: 0, latencyMs: 15_000, verticals: [] };

/** A self-hosted embedding model: no per-token bill, unknown quality, a short call. */
export const COMPATIBLE_EMBEDDING_PROFILE: ProviderProfile = { quality: 0.6, costPerUnit: 0, latencyMs: 500, verticals: [] };

/** A compatible server's realtime sessions (`compatible[].realtimeModel`): no per-minute bill known, unknown quality. */
export const COMPATIBLE_REALTIME_PROFILE: ProviderProfile = { quality: 0.6, costPerUnit: 0, latencyMs: 1_000, verticals: [] };
