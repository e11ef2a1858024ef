import { OPENAI_CHAT_PARAMS, OPENAI_VOICES } from '../chat-params';
import type { EmbeddingModelSpec, ImageModelSpec, ProviderProfile } from '../provider';

/**
 * OpenAI `tts-1`: $15 per 1M characters at list price (`tts-1-hd` is $30). Quality and
 * latency are rough priors for the router until live measurements replace them.
 */
export const OPENAI_TTS_PROFILE: ProviderProfile = {
  quality: 0.85,
  costPerUnit: 15,
  latencyMs: 1_200,
  verticals: [],
  voices: OPENAI_VOICES,
  // Only the GPT-4o speech models take a speaking style; `tts-1` and `tts-1-hd` do not.
  instructionModels: ['gpt-4o-mini-tts'],
  speechModels: ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'],
};

// The STT entry is approximate too: list price and typical latency at the time of writing.

/** OpenAI `whisper-1`: $0.006 per audio minute. */
export const OPENAI_STT_PROFILE: ProviderProfile = { quality: 0.85, costPerUnit: 0.006, latencyMs: 2_500, verticals: ['general'] };

/** OpenAI `gpt-4o-mini`: USD 0.15 in / 0.60 out per 1M tokens, ~0.26 blended at 3:1. */
export const OPENAI_LLM_PROFILE: ProviderProfile = { quality: 0.8, costPerUnit: 0.26, latencyMs: 1_200, verticals: [], chatParams: OPENAI_CHAT_PARAMS };

/** OpenAI `text-embedding-3-small`: USD 0.02 per 1M input tokens; one short call per batch of texts. */
export const OPENAI_EMBEDDING_PROFILE: ProviderProfile = { quality: 0.85, costPerUnit: 0.02, latencyMs: 300, verticals: [] };

/** OpenAI's embedding models and their vector lengths (its documentation); only the `-3` ones shorten theirs. */
export const OPENAI_EMBEDDING_MODELS: Readonly<Record<string, EmbeddingModelSpec>> = {
  'text-embedding-3-small': { maxDimensions: 1536, shortens: true },
  'text-embedding-3-large': { maxDimensions: 3072, shortens: true },
  'text-embedding-ada-002': { maxDimensions: 1536, shortens: false },
};

/** OpenAI `gpt-image-1` at medium quality, 1024x1024: about USD 0.042 an image (list price); a call takes seconds. */
export const OPENAI_IMAGE_PROFILE: ProviderProfile = { quality: 0.85, costPerUnit: 0.042, latencyMs: 20_000, verticals: [] };

const GPT_IMAGE: ImageModelSpec = {
  sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'],
  maxImages: 10,
  qualities: ['low', 'medium', 'high'],
  outputFormats: ['png', 'jpeg', 'webp'],
  gptImageParams: true,
  maxPromptChars: 32_000,
  defaultResponseFormat: 'b64_json',
};

/**
 * OpenAI's image models and the parameters each takes (its API reference for
 * `images.generate`): the GPT image models always answer base64 and take no `style`;
 * DALL·E 3 makes one image per request; DALL·E 2 takes only the prompt, `n` and `size`.
 */
export const OPENAI_IMAGE_MODELS: Readonly<Record<string, ImageModelSpec>> = {
  'gpt-image-1': GPT_IMAGE,
  'gpt-image-1-mini': GPT_IMAGE,
  'dall-e-3': {
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    maxImages: 1,
    qualities: ['standard', 'hd'],
    styles: ['vivid', 'natural'],
    maxPromptChars: 4_000,
    defaultResponseFormat: 'url',
    takesResponseFormat: true,
  },
  'dall-e-2': {
    sizes: ['256x256', '512x512', '1024x1024'],
    maxImages: 10,
    qualities: ['standard'],
    maxPromptChars: 1_000,
    defaultResponseFormat: 'url',
    takesResponseFormat: true,
  },
};

/**
 * OpenAI `gpt-realtime`, priced per session minute (voxq meters sessions by their length, not
 * their tokens): about USD 0.30 a minute of two-way speech at its list price (audio USD 32 in
 * and 64 out per 1M tokens, ~600 audio tokens a minute each way, plus the growing context).
 * A rough prior, like the others.
 */
export const OPENAI_REALTIME_PROFILE: ProviderProfile = {
  quality: 0.85,
  costPerUnit: 0.3,
  latencyMs: 800,
  verticals: [],
  speechModels: ['gpt-realtime', 'gpt-realtime-mini', 'gpt-4o-realtime-preview', 'gpt-4o-mini-realtime-preview'],
};
