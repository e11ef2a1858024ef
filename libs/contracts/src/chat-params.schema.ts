import { z } from 'zod';

/** `text`, a JSON object, or JSON matching `jsonSchema.schema` (OpenAI's structured outputs). */
export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    jsonSchema: z.strictObject({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
      description: z.string().max(4096).optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

/**
 * The sampling and bookkeeping parameters of a chat completion beyond the core ones, in
 * voxq's names (OpenAI's `top_p` is `topP`). Each reaches the provider or keeps the job
 * away from a provider that cannot honour it; none is dropped.
 */
export const chatSamplingFields = {
  responseFormat: responseFormatSchema.optional(),
  /** How many choices to generate. */
  n: z.number().int().min(1).max(128).optional(),
  /** Up to 4 sequences where the model stops (not included in the text). */
  stop: z.array(z.string().min(1).max(1024)).min(1).max(4).optional(),
  seed: z.number().int().optional(),
  topP: z.number().min(0).max(1).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  /** Token id (as a string) → bias, -100 to 100. */
  logitBias: z.record(z.string().regex(/^\d+$/, 'must be a token id'), z.number().min(-100).max(100)).optional(),
  /** Return each output token's log probability. */
  logprobs: z.boolean().optional(),
  /** With `logprobs`: the most likely alternatives per token, 0 to 20. */
  topLogprobs: z.number().int().min(0).max(20).optional(),
  /** The end user, for the provider's abuse monitoring. */
  user: z.string().max(256).optional(),
  /** Up to 16 string pairs stored with the provider's completion. */
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, 'at most 16 keys')
    .optional(),
  serviceTier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).optional(),
  /** Whether the provider stores the completion (OpenAI's evals and distillation). */
  store: z.boolean().optional(),
  verbosity: z.enum(['low', 'medium', 'high']).optional(),
  /** Predicted output (OpenAI's `prediction`), passed as given. */
  prediction: z.record(z.string(), z.unknown()).optional(),
  /** OpenAI's `web_search_options`, passed as given. */
  webSearchOptions: z.record(z.string(), z.unknown()).optional(),
  promptCacheKey: z.string().max(1024).optional(),
  promptCacheRetention: z.enum(['in_memory', '24h']).optional(),
  safetyIdentifier: z.string().max(256).optional(),
};

/** The names of those parameters: what a provider declares it can honour. */
export const CHAT_PARAMS = Object.keys(chatSamplingFields) as Array<keyof typeof chatSamplingFields>;
export type ChatParam = keyof typeof chatSamplingFields;

/** One output token's log probability, with the likeliest alternatives when asked. */
export const tokenLogprobSchema = z.strictObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int()).nullable(),
  topLogprobs: z.array(z.strictObject({ token: z.string(), logprob: z.number(), bytes: z.array(z.number().int()).nullable() })),
});
export type TokenLogprob = z.infer<typeof tokenLogprobSchema>;
