import type { ProviderProfile } from '../provider';

/**
 * ElevenLabs `eleven_multilingual_v2`: the most natural voices of the three, at a price.
 * Cost is approximate: API tiers bill about $0.15 per 1K characters (less on larger plans,
 * half for the Flash/Turbo models). Latency is a prior for a short sentence.
 */
export const ELEVENLABS_TTS_PROFILE: ProviderProfile = {
  quality: 0.95,
  costPerUnit: 150,
  latencyMs: 900,
  verticals: [],
  speechModels: ['eleven_multilingual_v2', 'eleven_turbo_v2_5', 'eleven_flash_v2_5', 'eleven_v3'],
};
