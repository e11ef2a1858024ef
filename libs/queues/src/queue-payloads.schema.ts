import { z } from 'zod';
import { queuedJobSchema, webhookEventSchema, webhookToolSourceSchema } from '@voxq/contracts';

/*
 * What each queue's jobs carry, read back from Redis and parsed (never cast) by the worker
 * that takes them (`startQueueWorker`). Objects here are never strict: during a rolling
 * upgrade an older worker takes jobs a newer version queued, and must run them, ignoring
 * the fields it does not know. Stored shapes: add optional fields, never rename one.
 */

/**
 * A `transcribe`, `synthesize`, `complete`, `embed` or `image` job: what `POST /v1/jobs` queued. It lives in
 * `@voxq/contracts` (the API builds it from the request it validated); re-exported here so
 * every queued shape is found in one place.
 */
export { queuedJobSchema };
export type { QueuedJob } from '@voxq/contracts';

/**
 * One webhook to send: what a `webhooks` queue job carries, re-validated by the dispatcher.
 * The job's name is its event's type.
 */
export const webhookDeliverySchema = z.object({
  tenantId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  event: webhookEventSchema,
  /** The delivery record this job works for; absent on deliveries queued without one (`enqueueWebhook`). */
  deliveryId: z.string().optional(),
  /** The registered endpoint it goes to (signed with its secret); absent or null: the job's own url (tenant secret). */
  endpointId: z.string().nullable().optional(),
  /** The API request behind the event's job (`X-Request-Id`), for the dispatcher's log lines. */
  requestId: z.string().max(128).optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** A webhook-mode tool call of a `complete` job (`tools` queue, job name `tool-call`). */
export const toolCallJobSchema = z.object({
  /** The `complete` job that made the call. */
  jobId: z.string(),
  tenantId: z.string(),
  hop: z.number().int().min(1),
  toolCallId: z.string(),
  name: z.string(),
  /** JSON-encoded arguments, as the model produced them. */
  args: z.string(),
  // The API validated the source strictly; read back from the queue, unknown fields are ignored.
  source: webhookToolSourceSchema.strip(),
  /** The `complete` job streams: the call's progress goes to its delta stream (`started`, then `completed` or `failed`). */
  stream: z.boolean().optional(),
});
export type ToolCallJob = z.infer<typeof toolCallJobSchema>;

/** A batch's `run` step (`batches` queue): one job for the batch's whole life. */
export const batchStepSchema = z.object({ tenantId: z.string().min(1), batchId: z.string().min(1) });
export type BatchStep = z.infer<typeof batchStepSchema>;

/** An input file's deletion at its expiry (`batches` queue, job name `expire-file`, delayed). */
export const fileExpirySchema = z.object({ tenantId: z.string().min(1), fileId: z.string().min(1) });
export type FileExpiry = z.infer<typeof fileExpirySchema>;
