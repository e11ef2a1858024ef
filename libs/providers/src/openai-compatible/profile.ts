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

// The STT entries are approximate too: list prices and typical latencies at the time of writing.

/** OpenAI `whisper-1`: $0.006 per audio minute. */
export const OPENAI_STT_PROFILE: ProviderProfile = { quality: 0.85, costPerUnit: 0.006, latencyMs: 2_500, verticals: ['general'] };

/** Groq `whisper-large-v3-turbo`: $0.04 per audio hour. */
export const GROQ_STT_PROFILE: ProviderProfile = { quality: 0.82, costPerUnit: 0.0007, latencyMs: 600, verticals: ['general'] };

/** OpenAI `gpt-4o-mini`: USD 0.15 in / 0.60 out per 1M tokens, ~0.26 blended at 3:1. */
export const OPENAI_LLM_PROFILE: ProviderProfile = { quality: 0.8, costPerUnit: 0.26, latencyMs: 1_200, verticals: [] };

/** Groq `llama-3.3-70b-versatile`: USD 0.59 in / 0.79 out per 1M tokens; very fast inference. */
export const GROQ_LLM_PROFILE: ProviderProfile = { quality: 0.75, costPerUnit: 0.64, latencyMs: 400, verticals: [] };

/** A self-hosted OpenAI-compatible server (Ollama, vLLM, llama.cpp): no per-token bill, unknown quality. */
export const COMPATIBLE_LLM_PROFILE: ProviderProfile = { quality: 0.6, costPerUnit: 0, latencyMs: 1_500, verticals: [] };
