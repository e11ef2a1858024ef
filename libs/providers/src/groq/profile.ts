import type { ChatParam } from '@voxq/contracts';
import type { ProviderProfile } from '../provider';

// Approximate: list prices and typical latencies at the time of writing.

/** Groq `whisper-large-v3-turbo`: $0.04 per audio hour. */
export const GROQ_STT_PROFILE: ProviderProfile = { quality: 0.82, costPerUnit: 0.0007, latencyMs: 600, verticals: ['general'] };

/**
 * What Groq's chat endpoint honours beyond the core parameters. It refuses `logprobs`,
 * `logit_bias`, `top_logprobs` and `n` other than 1, and has none of OpenAI's platform
 * features (stored completions, its service tiers, prompt caching, predicted outputs).
 */
export const GROQ_CHAT_PARAMS: readonly ChatParam[] = ['responseFormat', 'stop', 'seed', 'topP', 'presencePenalty', 'frequencyPenalty', 'user'];

/** Groq `llama-3.3-70b-versatile`: USD 0.59 in / 0.79 out per 1M tokens; very fast inference. */
export const GROQ_LLM_PROFILE: ProviderProfile = { quality: 0.75, costPerUnit: 0.64, latencyMs: 400, verticals: [], chatParams: GROQ_CHAT_PARAMS };
