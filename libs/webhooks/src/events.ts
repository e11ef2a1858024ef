import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { webhookEventSchema, type JobStatus, type JobView, type WebhookEvent, type WebhookEventType } from '@voxq/contracts';
import { errors } from '@voxq/errors';

/** One webhook to send: what a `webhooks` queue job carries, re-validated by the dispatcher. */
export const webhookDeliverySchema = z.strictObject({
  tenantId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  event: webhookEventSchema,
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/**
 * The event for a job reaching `type`. Its id is derived from the job and the event type,
 * and its timestamp from the job's finish time, so building it again (a re-run, a crash
 * before the enqueue was acknowledged) yields the same event and receivers can deduplicate.
 */
export function buildJobEvent(type: WebhookEventType, view: JobView): WebhookEvent {
  const suffix = type.slice(type.indexOf('.') + 1);
  return {
    id: `evt_${view.id}_${suffix}`,
    type,
    timestamp: view.finishedAt ?? new Date().toISOString(),
    data: view,
  };
}

/**
 * The queue job id of one delivery: one per (event, url). BullMQ refuses ':' in custom ids,
 * hence the encoding; the url is hashed to keep the id short and free of secrets in query strings.
 */
export function deliveryJobId(delivery: Pick<WebhookDelivery, 'url' | 'event'>): string {
  const urlHash = createHash('sha256').update(delivery.url).digest('hex').slice(0, 16);
  return `${encodeURIComponent(delivery.event.id)}.${urlHash}`;
}

/**
 * Queues a delivery. Enqueuing the same event for the same url again is a no-op while the
 * first delivery's queue job exists (BullMQ ignores a duplicate job id). Returns the job id.
 */
export async function enqueueWebhook(queue: Queue, delivery: WebhookDelivery): Promise<string> {
  const data = webhookDeliverySchema.parse(delivery);
  const jobId = deliveryJobId(data);
  await queue.add(data.event.type, data, { jobId });
  return jobId;
}

const EVENT_OF_STATUS: Partial<Record<JobStatus, WebhookEventType>> = {
  completed: 'job.completed',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
};

/**
 * Queues the event of a finished job to its webhook, if it has one. Returns the delivery's
 * queue job id, or null when the job has no webhook.
 */
export async function enqueueJobEvent(queue: Queue, tenantId: string, view: JobView): Promise<string | null> {
  if (!view.webhook) return null;
  const type = EVENT_OF_STATUS[view.status];
  // Only finished jobs have an event; being asked for another is a bug in the caller.
  if (!type) throw errors.internal(`job ${view.id} is ${view.status}: only finished jobs have a webhook event`);
  return enqueueWebhook(queue, { tenantId, url: view.webhook.url, event: buildJobEvent(type, view) });
}
