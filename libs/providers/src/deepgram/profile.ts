import type { ProviderProfile } from '../provider';

/**
 * Deepgram `nova-2`, pre-recorded: USD 0.0043 per audio minute. Approximate, like every
 * catalog entry (list price and typical latency at the time of writing); the config file
 * overrides any field.
 */
export const DEEPGRAM_STT_PROFILE: ProviderProfile = {
  quality: 0.85,
  costPerUnit: 0.0043,
  latencyMs: 800,
  // nova-2 ships models tuned for these (`nova-2-meeting`, `nova-2-phonecall`, `nova-2-finance`).
  verticals: ['general', 'meeting', 'phonecall', 'finance'],
};
