import { z } from 'zod';
import { webhookTargetSchema } from './job.schema';

/** validating → in_progress → finalizing → completed | failed | expired; cancelling → cancelled. Stored: never rename one. */
export const BATCH_STATUSES = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'] as const;
export const batchStatusSchema = z.enum(BATCH_STATUSES);
export type BatchStatus = z.infer<typeof batchStatusSchema>;
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled'];
export const isFinalBatchStatus = (status: BatchStatus) => FINAL_BATCH_STATUSES.includes(status);

/**
 * What a batch's lines may call: OpenAI's chat completions, audio, embeddings and image
 * generation endpoints, and `/v1/jobs` (voxq's own job request, any type). Stored in batch
 * records: never rename one.
 */
export const BATCH_ENDPOINTS = [
  '/v1/chat/completions',
  '/v1/audio/transcriptions',
  '/v1/audio/speech',
  '/v1/embeddings',
  '/v1/images/generations',
  '/v1/jobs',
] as const;
export const batchEndpointSchema = z.enum(BATCH_ENDPOINTS);
export type BatchEndpoint = z.infer<typeof batchEndpointSchema>;

/** One reason a batch failed validation (OpenAI's `BatchError`): `line` counts from 1. */
export const batchErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  line: z.number().int().min(1).nullable(),
  param: z.string().nullable().optional(),
});
export type BatchError = z.infer<typeof batchErrorSchema>;

export const batchRequestCountsSchema = z.strictObject({
  total: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
});

/**
 * The batch object (OpenAI's, field for field, so the official SDKs read it) plus voxq's
 * `webhook`: where `batch.*` events go besides the tenant's endpoints. Timestamps are Unix seconds.
 */
export const batchObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal('batch'),
  endpoint: batchEndpointSchema,
  input_file_id: z.string(),
  completion_window: z.string(),
  status: batchStatusSchema,
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  errors: z.strictObject({ object: z.literal('list'), data: z.array(batchErrorSchema) }).nullable(),
  created_at: z.number().int(),
  in_progress_at: z.number().int().nullable(),
  expires_at: z.number().int(),
  finalizing_at: z.number().int().nullable(),
  completed_at: z.number().int().nullable(),
  failed_at: z.number().int().nullable(),
  expired_at: z.number().int().nullable(),
  cancelling_at: z.number().int().nullable(),
  cancelled_at: z.number().int().nullable(),
  request_counts: batchRequestCountsSchema,
  metadata: z.record(z.string(), z.string()).nullable(),
  webhook: webhookTargetSchema.nullable(),
});
export type BatchObject = z.infer<typeof batchObjectSchema>;

/**
 * A batch as voxq stores it (`BatchStore` in Redis, the `batches` history table): the batch
 * object's fields with its owner, its errors as a plain list and no request counts (those come
 * live from its progress), and the runner's bookkeeping. Stored: fields are only ever added.
 */
export const batchRecordSchema = z.object({
  ...batchObjectSchema.omit({ object: true, errors: true, request_counts: true }).shape,
  tenantId: z.string(),
  errors: z.array(batchErrorSchema).nullable(),
  /** Lines in the input file, once validated. */
  total: z.number().int(),
  /** How long output and error files live after they are made, seconds. */
  outputExpiresAfter: z.number().int().nullable(),
  /** The request counts as finalized (lines never run count as failed); absent until then. */
  finalCounts: batchRequestCountsSchema.optional(),
  /** When the runner finished cancelling the jobs of a batch being cancelled (it sweeps them once). */
  jobsCancelledAt: z.number().int().optional(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** A batch's progress: lines turned into jobs, and its jobs' final statuses. */
export const batchProgressSchema = z.object({
  expanded: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;
