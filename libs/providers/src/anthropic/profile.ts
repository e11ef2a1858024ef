import type { ProviderProfile } from '../provider';

/**
 * Anthropic's Messages API with a Sonnet-class default model.
 * Numbers are approximate, from Anthropic's public pricing page (Sonnet: $3 in / $15 out per
 * 1M tokens, blended ≈ $6 at a typical 3:1 input:output ratio) and typical time-to-full-reply.
 */
export const ANTHROPIC_LLM_PROFILE: ProviderProfile = {
  quality: 0.9,
  costPerUnit: 6,
  latencyMs: 1500,
  verticals: [],
};
