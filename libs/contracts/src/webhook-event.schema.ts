import { z } from 'zod';
import { jobViewSchema } from './job.schema';

export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/**
 * The body POSTed to a webhook (Standard Webhooks' recommended `{type, timestamp, data}`).
 * `id` is also the `webhook-id` header: stable across retries so receivers can deduplicate.
 */
export const webhookEventSchema = z.strictObject({
  id: z.string(),
  type: webhookEventTypeSchema,
  timestamp: z.string(),
  data: jobViewSchema,
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
