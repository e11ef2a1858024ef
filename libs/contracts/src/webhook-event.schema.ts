import { z } from 'zod';
import { jobViewSchema } from './job.schema';

/** Events of a job reaching a terminal status; each job has at most one of each. */
export const JOB_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export const jobEventTypeSchema = z.enum(JOB_EVENT_TYPES);
export type JobEventType = z.infer<typeof jobEventTypeSchema>;

/**
 * Every event type an endpoint may subscribe to. `batch.completed` is reserved for batches
 * (not emitted yet) so endpoints can already subscribe to it. Stored in endpoint records:
 * never rename one.
 */
export const WEBHOOK_EVENT_TYPES = [...JOB_EVENT_TYPES, 'batch.completed'] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/**
 * The body POSTed to a webhook (Standard Webhooks' recommended `{type, timestamp, data}`).
 * `id` is also the `webhook-id` header: stable across retries so receivers can deduplicate.
 * Only job events exist so far; batch events will join as another member of a union on `type`.
 */
export const webhookEventSchema = z.strictObject({
  id: z.string(),
  type: jobEventTypeSchema,
  timestamp: z.string(),
  data: jobViewSchema,
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
