import type { ProviderProfile } from '../provider';

// Catalog entries are approximate: list prices and typical latencies at the time of writing.
// The config file overrides any field.

/** OpenAI `whisper-1`: USD 0.006 per audio minute. */
export const OPENAI_STT_PROFILE: ProviderProfile = { quality: 0.85, costPerUnit: 0.006, latencyMs: 2_500, verticals: ['general'] };

/** Groq `whisper-large-v3-turbo`: USD 0.04 per audio hour, on Groq's LPUs. */
export const GROQ_STT_PROFILE: ProviderProfile = { quality: 0.82, costPerUnit: 0.0007, latencyMs: 600, verticals: ['general'] };
