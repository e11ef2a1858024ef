import type { ChatParam } from '@voxq/contracts';
import type { ProviderProfile } from '../provider';

/**
 * The chat parameters the Messages API has a faithful equivalent for (see the mapper):
 * `stop` → `stop_sequences`, `topP` → `top_p`, `user` → `metadata.user_id`. It has no
 * `n`, seed, penalties, logit bias or logprobs, and no JSON mode: `responseFormat` would
 * need a forced tool, which changes what the model may do with the caller's own tools.
 */
export const ANTHROPIC_CHAT_PARAMS: readonly ChatParam[] = ['stop', 'topP', 'user'];

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
  chatParams: ANTHROPIC_CHAT_PARAMS,
};
