import type { ProviderProfile } from '../provider';

/** pocketsphinx: small offline English model; free, slow-ish and far less accurate than hosted STT. */
export const POCKETSPHINX_STT_PROFILE: ProviderProfile = { quality: 0.3, costPerUnit: 0, latencyMs: 1_500, verticals: [] };
