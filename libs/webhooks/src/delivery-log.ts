import type { DeliveryAttempt, WebhookAttemptView } from '@voxq/contracts';
import { recordWebhookDeadLetter } from '@voxq/metrics';
import type { WebhookDelivery } from '@voxq/queues';
import { redisKeys } from '@voxq/redis-keys';
import type { DeliveryDeps } from './delivery-deps';
import type { WebhookDeliveryStore } from './delivery-store';

/** Attempts kept per job in its delivery log. */
export const DELIVERY_LOG_LENGTH = 50;

// A line of the delivery log of an event's subject (`<prefix>:job:<id>:deliveries`, newest first;
// the key keeps its `job:` segment for a batch's) is `deliveryAttemptSchema` (@voxq/contracts).
export { deliveryAttemptSchema, type DeliveryAttempt } from '@voxq/contracts';

/** A delivery that will not be retried again (`<prefix>:webhooks:dead-letter`, newest first). */
export interface DeadLetter {
  deliveryId: string;
  eventId: string | null;
  eventType: string | null;
  /** The event's subject: a job id, or a batch id for `batch.*` events. */
  jobId: string | null;
  tenantId: string | null;
  url: string | null;
  attempts: number;
  error: string;
  at: string;
}

/**
 * A job's delivery log as `GET /v1/jobs/:id/deliveries` shows it, newest first: Redis's, or
 * the history tier's once it moved (`WebhookDeliveryStore.attempts`). The caller has checked
 * the job is the tenant's.
 */
export async function readDeliveryLog(deliveries: Pick<WebhookDeliveryStore, 'attempts'>, tenantId: string, jobId: string): Promise<WebhookAttemptView[]> {
  return (await deliveries.attempts(tenantId, jobId)).map((a) => ({
    object: 'webhook_attempt',
    deliveryId: a.deliveryId ?? null,
    endpointId: a.endpointId ?? null,
    attempt: a.attempt,
    at: a.at,
    url: a.url,
    statusCode: a.status,
    latencyMs: a.ms,
    responseExcerpt: a.excerpt,
    error: a.error,
  }));
}

/** Adds an attempt to the delivery log of the event's subject, newest first. */
export async function appendAttempt(
  deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'retentionSeconds'>,
  delivery: WebhookDelivery,
  entry: DeliveryAttempt,
): Promise<void> {
  // Keyed by the event's subject, a job or a batch; kept as long as its record, then gone with it.
  const key = redisKeys(deps.prefix).webhookDeliveries.attemptLog(delivery.event.data.id);
  await deps.redis
    .multi()
    .lpush(key, JSON.stringify(entry))
    .ltrim(key, 0, DELIVERY_LOG_LENGTH - 1)
    .expire(key, deps.retentionSeconds)
    .exec();
}

/** Records a delivery no attempt will send any more. Not trimmed: operators drain the list. */
export async function deadLetter(
  deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'logger'>,
  deliveryId: string,
  delivery: WebhookDelivery | null,
  attempts: number,
  error: string,
): Promise<void> {
  const entry: DeadLetter = {
    deliveryId,
    eventId: delivery?.event.id ?? null,
    eventType: delivery?.event.type ?? null,
    jobId: delivery?.event.data.id ?? null,
    tenantId: delivery?.tenantId ?? null,
    url: delivery?.url ?? null,
    attempts,
    error,
    at: new Date().toISOString(),
  };
  await deps.redis.lpush(redisKeys(deps.prefix).webhookDeliveries.deadLetter(), JSON.stringify(entry));
  recordWebhookDeadLetter();
  // The URL's query string may carry a receiver's token: log its origin only.
  const target = delivery ? originOf(delivery.url) : null;
  deps.logger.warn({ deliveryId, eventId: entry.eventId, tenantId: entry.tenantId, target, attempts, error }, 'webhook dead-lettered');
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    // Dead-lettered because its URL is unusable: nothing to log but that.
    return null;
  }
}
