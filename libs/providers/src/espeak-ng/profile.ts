import type { ProviderProfile } from '../provider';

/** espeak-ng: formant synthesis, robotic but instant and free; the fallback of last resort. */
export const ESPEAK_TTS_PROFILE: ProviderProfile = { quality: 0.3, costPerUnit: 0, latencyMs: 150, verticals: [] };
