import { z } from 'zod';

/** Limits that hold across every worker process (enforced in Redis). */
export const providerLimitsSchema = z.strictObject({
  /** Requests started per second, all processes together. */
  requestsPerSecond: z.number().positive().optional(),
  /** Requests in flight at once, all processes together. */
  maxConcurrency: z.number().int().positive().optional(),
});
export type ProviderLimits = z.infer<typeof providerLimitsSchema>;

/** Overrides of a provider's built-in catalog entry (what the router ranks by). */
export const catalogOverrideSchema = z.strictObject({
  /** Relative quality, 0 to 1. */
  quality: z.number().min(0).max(1).optional(),
  /** USD per unit: 1M tokens (llm, embedding), one audio minute (stt), 1M characters (tts), one image (image). */
  costPerUnit: z.number().min(0).optional(),
  /** Typical latency of one call, before live measurements exist. */
  latencyMs: z.number().min(0).optional(),
  /** BCP-47 primary subtags served, or "*". */
  languages: z.union([z.literal('*'), z.array(z.string().min(2).max(8))]).optional(),
  /** Verticals the provider is tuned for (`healthcare`, `finance`, …). */
  verticals: z.array(z.string().min(1).max(64)).optional(),
});
export type CatalogOverride = z.infer<typeof catalogOverrideSchema>;

export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * `VOXQ_CONFIG_FILE`: what does not fit in environment variables. Secrets stay in the
 * environment: an extra server names the variable holding its key (`apiKeyEnv`).
 */
export const configFileSchema = z.strictObject({
  providers: z
    .record(
      z.string().regex(PROVIDER_NAME),
      z.strictObject({
        /** false takes a configured provider out of rotation. */
        enabled: z.boolean().optional(),
        limits: providerLimitsSchema.optional(),
        catalog: catalogOverrideSchema.optional(),
      }),
    )
    .default({}),
  /** More OpenAI-compatible LLM (and embedding, image) servers (Ollama, vLLM, llama.cpp, Together…). */
  compatible: z
    .array(
      z.strictObject({
        name: z.string().regex(PROVIDER_NAME),
        baseUrl: z.url({ protocol: /^https?$/ }),
        /** Name of the environment variable holding the key (local servers may need none). */
        apiKeyEnv: z.string().min(1).optional(),
        model: z.string().min(1),
        /** An embedding model the server also serves (`nomic-embed-text`): it then serves the `embedding` capability too. */
        embeddingModel: z.string().min(1).optional(),
        /** A realtime model the server serves over OpenAI's Realtime WebSocket (`<baseUrl>/realtime`): it then serves the `realtime` capability too. */
        realtimeModel: z.string().min(1).optional(),
        /**
         * An image model the server also serves (`black-forest-labs/flux.1-dev`): it then serves the
         * `image` capability too, taking the prompt, `n`, `size` and `user` (docs/providers.md).
         */
        imageModel: z.string().min(1).optional(),
        /**
         * The chat parameters the server honours, in voxq's names (`topP`, `logitBias`);
         * unset: the sampling parameters of OpenAI's wire (docs/providers.md).
         */
        chatParams: z.array(z.string().min(1).max(64)).optional(),
      }),
    )
    .default([]),
  models: z
    .strictObject({
      /**
       * Other names for configured models: `{"fast": "groq/llama-3.3-70b-versatile"}` or
       * `{"gpt-4": "gpt-4o-mini"}`. A request naming the alias pins what it points at.
       */
      aliases: z.record(z.string().min(1).max(256), z.string().min(1).max(256)).default({}),
    })
    .default({ aliases: {} }),
});
export type ConfigFile = z.infer<typeof configFileSchema>;
