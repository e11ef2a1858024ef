import { z } from 'zod';
import { batchObjectSchema } from './batch.schema';
import { jobViewSchema } from './job.schema';
import { realtimeSessionViewSchema } from './realtime-session.schema';

/** Events of a job reaching a terminal status; each job has at most one of each. */
export const JOB_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export const jobEventTypeSchema = z.enum(JOB_EVENT_TYPES);
export type JobEventType = z.infer<typeof jobEventTypeSchema>;

/**
 * Events of a batch reaching a final status, named as OpenAI names its batch webhooks; each
 * batch has at most one (a batch ends once).
 */
export const BATCH_EVENT_TYPES = ['batch.completed', 'batch.failed', 'batch.cancelled', 'batch.expired'] as const;
export const batchEventTypeSchema = z.enum(BATCH_EVENT_TYPES);
export type BatchEventType = z.infer<typeof batchEventTypeSchema>;

/** A realtime session's end (`GET /v1/realtime`), whatever closed it; each session has one. */
export const SESSION_EVENT_TYPES = ['session.completed'] as const;
export const sessionEventTypeSchema = z.enum(SESSION_EVENT_TYPES);
export type SessionEventType = z.infer<typeof sessionEventTypeSchema>;

/**
 * Every event type an endpoint may subscribe to. Stored in endpoint records: never rename
 * or remove one, only add (`batch.completed` was subscribable before batches emitted it).
 */
export const WEBHOOK_EVENT_TYPES = [...JOB_EVENT_TYPES, ...BATCH_EVENT_TYPES, ...SESSION_EVENT_TYPES] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** A job event: `data` is the job as `GET /v1/jobs/:id` shows it. */
export const jobWebhookEventSchema = z.strictObject({
  id: z.string(),
  type: jobEventTypeSchema,
  timestamp: z.string(),
  data: jobViewSchema,
});
export type JobWebhookEvent = z.infer<typeof jobWebhookEventSchema>;

/** A batch event: `data` is the batch object as `GET /v1/batches/:id` shows it. */
export const batchWebhookEventSchema = z.strictObject({
  id: z.string(),
  type: batchEventTypeSchema,
  timestamp: z.string(),
  data: batchObjectSchema,
});
export type BatchWebhookEvent = z.infer<typeof batchWebhookEventSchema>;

/** A realtime session event: `data` is the session as `GET /v1/realtime/sessions/:id` shows it. */
export const sessionWebhookEventSchema = z.strictObject({
  id: z.string(),
  type: sessionEventTypeSchema,
  timestamp: z.string(),
  data: realtimeSessionViewSchema,
});
export type SessionWebhookEvent = z.infer<typeof sessionWebhookEventSchema>;

/**
 * The body POSTed to a webhook (Standard Webhooks' recommended `{type, timestamp, data}`).
 * `id` is also the `webhook-id` header: stable across retries so receivers can deduplicate.
 * `type` says which member it is, so `data` is a job, a batch or a realtime session; each has
 * an `id`, the event's subject.
 */
export const webhookEventSchema = z.discriminatedUnion('type', [jobWebhookEventSchema, batchWebhookEventSchema, sessionWebhookEventSchema]);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
