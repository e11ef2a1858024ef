import { z } from 'zod';
import { ERROR_CODE_NAMES } from '@voxq/errors';
import {
  completeInputSchema,
  embedInputSchema,
  imageInputSchema,
  synthesizeInputSchema,
  transcribeInputSchema,
  transcribeRequestInputSchema,
} from './job-inputs.schema';
import { completeResultSchema, embedResultSchema, imageResultSchema, synthesizeResultSchema, transcribeResultSchema } from './job-results.schema';
import { constraintsSchema, routingIntentSchema } from './routing.schema';

/** Job kinds. Stored in Redis and used as queue names: never rename one. */
export const JOB_TYPES = ['transcribe', 'synthesize', 'complete', 'embed', 'image'] as const;
export const jobTypeSchema = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof jobTypeSchema>;

/** queued → active → completed | failed | cancelled (cancelled also straight from queued). */
export const JOB_STATUSES = ['queued', 'active', 'completed', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

export const webhookTargetSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
});
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

/** Free-form client labels, echoed in results and webhooks (Stripe-like limits). */
export const metadataSchema = z.record(z.string().min(1).max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 32, 'at most 32 keys');
export type Metadata = z.infer<typeof metadataSchema>;

const common = {
  intent: routingIntentSchema.prefault({}),
  constraints: constraintsSchema.default({}),
  webhook: webhookTargetSchema.optional(),
  metadata: metadataSchema.default({}),
};

/** Everything about a job but its type and input (routing, webhook, labels). */
export const jobOptionsSchema = z.strictObject(common);
export type JobOptions = z.infer<typeof jobOptionsSchema>;

/** `POST /v1/jobs` body (JSON). */
export const jobRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('transcribe'), input: transcribeRequestInputSchema, ...common }),
  z.strictObject({ type: z.literal('synthesize'), input: synthesizeInputSchema, ...common }),
  z.strictObject({ type: z.literal('complete'), input: completeInputSchema, ...common }),
  z.strictObject({ type: z.literal('embed'), input: embedInputSchema, ...common }),
  z.strictObject({ type: z.literal('image'), input: imageInputSchema, ...common }),
]);
export type JobRequest = z.infer<typeof jobRequestSchema>;

/** Most jobs one `POST /v1/jobs:batch` may submit. */
export const MAX_JOBS_PER_BATCH = 1000;

/** `POST /v1/jobs:batch` body; each item is then validated as a `jobRequestSchema`. */
export const jobBatchRequestSchema = z.strictObject({
  jobs: z.array(z.unknown()).min(1).max(MAX_JOBS_PER_BATCH),
});

/** What a queued job carries in Redis; re-validated when a worker reads it back. */
export const jobPayloadSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('transcribe'), input: transcribeInputSchema, ...common }),
  z.strictObject({ type: z.literal('synthesize'), input: synthesizeInputSchema, ...common }),
  z.strictObject({ type: z.literal('complete'), input: completeInputSchema, ...common }),
  z.strictObject({ type: z.literal('embed'), input: embedInputSchema, ...common }),
  z.strictObject({ type: z.literal('image'), input: imageInputSchema, ...common }),
]);
export type JobPayload = z.infer<typeof jobPayloadSchema>;
export type JobPayloadOf<T extends JobType> = Extract<JobPayload, { type: T }>;

export const jobResultSchemas = {
  transcribe: transcribeResultSchema,
  synthesize: synthesizeResultSchema,
  complete: completeResultSchema,
  embed: embedResultSchema,
  image: imageResultSchema,
} as const;
export type JobResultOf<T extends JobType> = z.infer<(typeof jobResultSchemas)[T]>;
export type JobResult = JobResultOf<JobType>;

export const serializedErrorSchema = z.strictObject({
  type: z.string(),
  /**
   * One of voxq's error codes (`ERROR_CODES`): every writer is an `AppError`, whose code is
   * typed by the same list. A code this version does not know (a newer one wrote it, during
   * a rolling upgrade) reads as `internal_error` rather than making the whole record or
   * webhook event unreadable; the stored value itself is left as it is.
   */
  code: z.enum(ERROR_CODE_NAMES).catch('internal_error'),
  message: z.string(),
  param: z.string().optional(),
  retryable: z.boolean(),
});

/**
 * A job's input as kept with its record: the queued payload's input, after validation and
 * defaults (a transcribe job's audio is the S3 object it was stored as, never the bytes).
 * Bounded by the input schemas (a synthesize text 20,000 characters, embed texts 2,000,000 in
 * all, any JSON body `API_JSON_LIMIT_BYTES`), and a record keeps at most 256 KiB of it as JSON
 * (`MAX_KEPT_INPUT_BYTES` in libs/job-store): a larger one reads as null.
 */
export const jobInputSchema = z.union([
  transcribeInputSchema,
  synthesizeInputSchema,
  // As stored: tools and the tool choice already read (a JSON Schema cannot describe their read's output).
  completeInputSchema.extend({
    tools: z.array(z.record(z.string(), z.unknown())).max(128).optional().meta({ description: 'The tools as validated, each with its `executionMode`.' }),
    toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ name: z.string() })]).optional(),
  }),
  embedInputSchema,
  imageInputSchema,
]);
export type JobInput = z.infer<typeof jobInputSchema>;

/** A job as the API and webhooks show it. */
export const jobViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('job'),
  type: jobTypeSchema,
  status: jobStatusSchema,
  intent: routingIntentSchema,
  constraints: constraintsSchema,
  metadata: metadataSchema,
  webhook: webhookTargetSchema.nullable(),
  /** Attempts started so far (each may fail over across several providers). */
  attempts: z.number().int().min(0),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  result: z.union([transcribeResultSchema, synthesizeResultSchema, completeResultSchema, embedResultSchema, imageResultSchema]).nullable(),
  error: serializedErrorSchema.nullable(),
  /** The batch the job is a line of; absent for jobs submitted on their own. */
  batchId: z.string().optional(),
  /**
   * The job's input, only when asked for with `include=input` (never in webhook events): null
   * when it was not kept (larger than 256 KiB as JSON, or the job is older than kept inputs).
   */
  input: jobInputSchema.nullable().optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** Where a job's result (audio for synthesize) is downloaded. */
export const jobResultPath = (jobId: string) => `/v1/jobs/${jobId}/result`;

/** What a job read may add to the view on request (`?include=input`). */
export const JOB_INCLUDES = ['input'] as const;
export type JobInclude = (typeof JOB_INCLUDES)[number];

const includeList = new RegExp(`^(${JOB_INCLUDES.join('|')})(,(${JOB_INCLUDES.join('|')}))*$`);

/** `include`: a comma-separated list of `JOB_INCLUDES` (`input`); an unknown name is a 400. Read with `jobIncludesOf`. */
export const jobIncludeSchema = z
  .string()
  .max(64)
  .regex(includeList, `must be a comma-separated list of: ${JOB_INCLUDES.join(', ')}`)
  .meta({ description: "Fields to add to each job view, comma-separated: `input` (the job's input as stored)." });

/** The names an `include` parameter (already validated) asks for. */
export const jobIncludesOf = (include: string | undefined): JobInclude[] => (include ? (include.split(',') as JobInclude[]) : []);

/** `GET /v1/jobs/:id` query. */
export const getJobQuerySchema = z.strictObject({ include: jobIncludeSchema.optional() });
export type GetJobQuery = z.infer<typeof getJobQuerySchema>;

/** `GET /v1/jobs` query. */
export const listJobsQuerySchema = z.strictObject({
  status: jobStatusSchema.optional(),
  type: jobTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: z.string().max(256).optional(),
  include: jobIncludeSchema.optional(),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

/**
 * The data of a BullMQ job: whose it is, when it was submitted, and what to do. Fields it
 * does not know are ignored, not refused: during a rolling upgrade a worker may read a job
 * queued by a newer api (as `batchId` and `requestId` were added), and the payload itself is
 * what must match.
 */
export const queuedJobSchema = z.object({
  tenantId: z.string().min(1),
  createdAt: z.string(),
  payload: jobPayloadSchema,
  /** The batch that made the job (not client-settable: it steers the batch's counts). */
  batchId: z.string().optional(),
  /** The API request that submitted it (`X-Request-Id`), stamped on the worker's and dispatcher's log lines for it. */
  requestId: z.string().max(128).optional(),
});
export type QueuedJob = z.infer<typeof queuedJobSchema>;
