import { z } from 'zod';
import {
  batchObjectSchema,
  CAPABILITIES,
  chatToolCallSchema,
  jobViewSchema,
  TRANSCRIBE_OPTIONAL_PARAMS,
  webhookAttemptViewSchema,
  webhookDeliveryViewSchema,
  webhookEndpointViewSchema,
} from '@voxq/contracts';
import { providerLimitsSchema } from '@voxq/config';
import { dropRuleSchema } from '@voxq/drops';

/**
 * Response shapes that exist only as code (views built in routes and services), described
 * here for the OpenAPI document. Requests are never described here: their schemas are the
 * ones the routes parse with. Objects are loose where the code adds provider-specific fields.
 */

/** OpenAI's error envelope, as the OpenAI-compatible routes answer (`openAiErrors`). */
export const openAiErrorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

/** Speko's error body, as its SDK reads it (Speko's one-shot routes; every route for the Speko SDK): docs/speko.md. */
export const spekoErrorBodySchema = z.strictObject({
  error: z.string().describe('The message.'),
  code: z.string().describe("voxq's error code in upper case, e.g. `INVALID_REQUEST`."),
  type: z.string(),
  param: z.string().nullable(),
});

const listOf = <T extends z.ZodType>(item: T) => z.strictObject({ object: z.literal('list'), data: z.array(item) });

export const jobListSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(jobViewSchema),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
});
export const jobBatchResponseSchema = listOf(jobViewSchema);

export const webhookEndpointListSchema = listOf(webhookEndpointViewSchema);
export const webhookDeliveryListSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(webhookDeliveryViewSchema),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
  /** The tenant's endpoints, to filter by (the Speko SDK's `endpointOptions`). */
  endpointOptions: z.array(z.strictObject({ id: z.string(), name: z.string(), kind: z.literal('workspace'), deleted: z.boolean() })),
});
export const webhookAttemptListSchema = listOf(webhookAttemptViewSchema);

export const deletedSchema = z.strictObject({ id: z.string(), object: z.string(), deleted: z.literal(true) });

export const dropRuleListSchema = z.strictObject({ object: z.literal('list'), data: z.array(dropRuleSchema), hasMore: z.boolean() });

export const s3EventReceiptSchema = z.strictObject({
  object: z.literal('s3_event_receipt'),
  received: z.number().int(),
  submitted: z.number().int(),
  duplicate: z.number().int(),
  in_progress: z.number().int(),
  ignored: z.number().int(),
  failed: z.number().int(),
});

/** OpenAI's file object (`fileObject`). Timestamps are Unix seconds. */
export const fileObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  filename: z.string(),
  purpose: z.string(),
  status: z.literal('processed'),
  status_details: z.null(),
});

export const fileListSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(fileObjectSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

export const batchListSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(batchObjectSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

const capabilitySchema = z.enum(CAPABILITIES);

export const usageViewSchema = z.strictObject({
  object: z.literal('usage'),
  /** The UTC month, `2026-11`. */
  period: z.string(),
  jobs: z.number().int(),
  /** null: unlimited. */
  allowance: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  resetsAt: z.string(),
  /** The calling key's limit; null: unlimited. */
  rateLimit: z.strictObject({ perSecond: z.number(), burst: z.number() }).nullable(),
  /** The UTC days the fields below cover, both included (`from`/`to` of the query; default: this month up to today). */
  from: z.string(),
  to: z.string(),
  /** Completed jobs in those days (the Speko SDK's `totalSessions`). */
  totalSessions: z.number().int(),
  /** Audio minutes: transcribed (input) plus synthesized (output). */
  totalMinutes: z.number(),
  /** USD at the current catalog prices (computed when read: a changed price reprices past usage). */
  totalCost: z.number(),
  breakdown: z.array(
    z.strictObject({
      provider: z.string(),
      /** The capability: `stt`, `tts`, `llm`, `embedding` or `image`. */
      type: capabilitySchema,
      metric: z.enum(['jobs', 'audio_minutes', 'characters', 'input_tokens', 'output_tokens', 'images', 'sessions', 'session_minutes']),
      /** Always `MANAGED`: tenants use the operator's provider keys. */
      keySource: z.literal('MANAGED'),
      quantity: z.number(),
      /** USD; 0 for what the capability is not priced by (jobs, a TTS job's audio minutes). */
      cost: z.number(),
      /** The catalog price applied, per `unit`; null when the metric is not priced or the provider is no longer configured. */
      unitPriceUsd: z.number().nullable(),
      unit: z.string().nullable(),
    }),
  ),
  /** voxq keeps no prepaid balance: always null. */
  balanceUsd: z.null(),
  currency: z.literal('USD'),
});

/** A provider's or model's languages (BCP 47 tags), or `"*"` for any. */
const languagesSchema = z.union([z.literal('*'), z.array(z.string())]);

export const providerListSchema = listOf(
  z.looseObject({
    id: z.string(),
    object: z.literal('provider'),
    capability: capabilitySchema,
    defaultModel: z.string(),
    /** Embedding and image providers: the models they serve by name, with their vector lengths or the image parameters each takes. */
    models: z.record(z.string(), z.looseObject({})).optional(),
    languages: languagesSchema,
    profile: z.looseObject({}),
    /** The config file's `providers.<name>.limits`; null: none set. */
    limits: providerLimitsSchema.nullable(),
    health: z.strictObject({ windowSeconds: z.number(), calls: z.number(), errorRate: z.number(), latencyMs: z.number().nullable() }),
    /** The circuit breaker; `cooldownUntil` and `reason` are null while it is closed and not cooling down. */
    state: z.enum(['closed', 'open', 'half-open']),
    cooldownUntil: z.string().nullable(),
    reason: z.string().nullable(),
  }),
);

/** OpenAI's Model object, with voxq's catalog fields. */
export const modelSchema = z.strictObject({
  id: z.string(),
  object: z.literal('model'),
  /** Unix seconds: the catalog's date (voxq does not know a vendor's release dates). */
  created: z.number().int(),
  /** The provider serving it. */
  owned_by: z.string(),
  capability: capabilitySchema,
  languages: languagesSchema,
  /** True when its provider's upstream is voxq's simulator (`npm start` without keys). */
  simulated: z.literal(true).optional(),
  /** For an alias from the config file: the `provider/model` it names. */
  alias_for: z.string().optional(),
  /** Embedding models: the length of their vectors, and the most `dimensions` may ask for. */
  dimensions: z.number().int().optional(),
  /** Only with `recommended_for`. */
  rank: z.number().int().optional(),
  score: z.number().optional(),
});

export const modelListSchema = listOf(modelSchema);

export const scoresRunSchema = z.looseObject({ object: z.literal('scores_run'), id: z.string() });

export const healthSchema = z.looseObject({ status: z.string() });

const provenance = {
  provider: z.string(),
  model: z.string(),
  failoverCount: z.number().int(),
  scoresRunId: z.string().nullable(),
};

/** `POST /v1/transcribe`'s answer (Speko's). */
export const spekoTranscriptionSchema = z.strictObject({
  text: z.string(),
  ...provenance,
  /** null from providers that give none. */
  confidence: z.number().nullable(),
  /** `keywords` the provider that ran does not take (`X-Speko-Stt-Options`): accepted, not sent. */
  unusedParams: z.array(z.enum(TRANSCRIBE_OPTIONAL_PARAMS)).optional(),
});

/** `POST /v1/complete`'s answer (Speko's `CompleteResult`). */
export const spekoCompletionSchema = z.strictObject({
  text: z.string(),
  ...provenance,
  usage: z.strictObject({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
  toolCalls: z.array(chatToolCallSchema).optional(),
});

/** OpenAI's `chat.completion`. */
export const chatCompletionSchema = z.strictObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.strictObject({
      index: z.number().int(),
      message: z.strictObject({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z
          .array(z.strictObject({ id: z.string(), type: z.literal('function'), function: z.strictObject({ name: z.string(), arguments: z.string() }) }))
          .optional(),
      }),
      finish_reason: z.string(),
      /** With `logprobs: true`: each token's log probability (and `top_logprobs` alternatives). */
      logprobs: z
        .strictObject({
          content: z.array(
            z.strictObject({
              token: z.string(),
              logprob: z.number(),
              bytes: z.array(z.number().int()).nullable(),
              top_logprobs: z.array(z.strictObject({ token: z.string(), logprob: z.number(), bytes: z.array(z.number().int()).nullable() })),
            }),
          ),
          refusal: z.null(),
        })
        .nullable(),
    }),
  ),
  usage: z.strictObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** `/v1/audio/transcriptions` with `response_format` json (`verbose_json` adds language, duration, segments). */
export const transcriptionSchema = z.looseObject({ text: z.string() });
