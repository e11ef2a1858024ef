import type { ProviderProfile } from '../provider';

/**
 * OpenAI `tts-1`: $15 per 1M characters at list price (`tts-1-hd` is $30). Quality and
 * latency are rough priors for the router until live measurements replace them.
 */
export const OPENAI_TTS_PROFILE: ProviderProfile = {
  quality: 0.85,
  costPerUnit: 15,
  latencyMs: 1_200,
  verticals: [],
};
