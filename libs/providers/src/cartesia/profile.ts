import type { ProviderProfile } from '../provider';

/**
 * Cartesia Sonic: built for latency (first audio in tens of milliseconds; the whole file of
 * a short sentence in about 300). Cost is approximate: credits bill per character, about
 * $40 per 1M characters on the paid plans.
 */
export const CARTESIA_TTS_PROFILE: ProviderProfile = {
  quality: 0.9,
  costPerUnit: 40,
  latencyMs: 300,
  verticals: [],
  speechModels: ['sonic-2', 'sonic-turbo', 'sonic'],
};
