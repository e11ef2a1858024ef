import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { RedisClient } from '@voxq/redis-keys';
import type {
  BatchEventType,
  BatchObject,
  BatchStatus,
  BatchWebhookEvent,
  JobEventType,
  JobStatus,
  JobView,
  JobWebhookEvent,
  RealtimeSessionView,
  SessionWebhookEvent,
  WebhookEvent,
  WebhookEventType,
} from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { enqueue, QUEUE_CATALOG, webhookDeliverySchema, type WebhookDelivery } from '@voxq/queues';
import { WebhookDeliveryStore, type DeliveryRecord, type DeliveryStoreOptions, type DeliveryTarget, FINAL_DELIVERY_STATES } from './delivery-store';
import { WebhookEndpointStore } from './endpoint-store';

/** The `webhooks` queue's job data: defined in the queue catalog, re-exported under its old home. */
export { webhookDeliverySchema };
export type { WebhookDelivery };

/**
 * The event for a job reaching `type`. Its id is derived from the job and the event type,
 * and its timestamp from the job's finish time, so building it again (a re-run, a crash
 * before the enqueue was acknowledged) yields the same event and receivers can deduplicate.
 */
export function buildJobEvent(type: JobEventType, view: JobView): JobWebhookEvent {
  const suffix = type.slice(type.indexOf('.') + 1);
  return {
    id: `evt_${view.id}_${suffix}`,
    type,
    timestamp: view.finishedAt ?? new Date().toISOString(),
    data: view,
  };
}

type FinalBatchStatus = 'completed' | 'failed' | 'cancelled' | 'expired';
const EVENT_OF_BATCH_STATUS: Record<FinalBatchStatus, BatchEventType> = {
  completed: 'batch.completed',
  failed: 'batch.failed',
  cancelled: 'batch.cancelled',
  expired: 'batch.expired',
};
const isFinalBatch = (status: BatchStatus): status is FinalBatchStatus => Object.hasOwn(EVENT_OF_BATCH_STATUS, status);

/**
 * The event of a batch that reached a final status (`completed` → `batch.completed`, and so
 * on). Like a job's, its id (`evt_<batch id>_<status>`) and timestamp (the status's `*_at`)
 * come from the batch alone, so building it again yields the same event. A batch not in a
 * final status, or without the time it got there, has no event: asking is a caller's bug.
 */
export function buildBatchEvent(batch: BatchObject): BatchWebhookEvent {
  const { status } = batch;
  if (!isFinalBatch(status)) throw errors.internal(`batch ${batch.id} is ${status}: only finished batches have a webhook event`);
  const at = batch[`${status}_at`];
  if (at === null) throw errors.internal(`batch ${batch.id} is ${status} but has no ${status}_at`);
  return {
    id: `evt_${batch.id}_${status}`,
    type: EVENT_OF_BATCH_STATUS[status],
    timestamp: new Date(at * 1000).toISOString(),
    data: batch,
  };
}

/**
 * The queue job id of one delivery: one per (event, url), and per endpoint for registered
 * endpoints (a job's own url may be an endpoint's too; each gets its own delivery).
 * BullMQ refuses ':' in custom ids, hence the encoding; the url is hashed to keep the id
 * short and free of secrets in query strings. A redelivery's series is appended (`.r1`).
 */
export function deliveryJobId(delivery: Pick<WebhookDelivery, 'url' | 'event' | 'endpointId'>, series = 0): string {
  const target = delivery.endpointId ? `${delivery.url}\n${delivery.endpointId}` : delivery.url;
  const urlHash = createHash('sha256').update(target).digest('hex').slice(0, 16);
  return `${encodeURIComponent(delivery.event.id)}.${urlHash}${series > 0 ? `.r${series}` : ''}`;
}

/**
 * Queues a delivery. Enqueuing the same event for the same url again is a no-op while the
 * first delivery's queue job exists (BullMQ ignores a duplicate job id). Returns the job id.
 */
export async function enqueueWebhook(queue: Queue, delivery: WebhookDelivery, series = 0): Promise<string> {
  // Parsed here too, not only by the dispatcher: a bad url is the caller's bug, found at once.
  const data = webhookDeliverySchema.parse(delivery);
  const jobId = deliveryJobId(data, series);
  await enqueue(queue, QUEUE_CATALOG.webhooks, { job: data.event.type, payload: data, options: { jobId } });
  return jobId;
}

const EVENT_OF_STATUS: Partial<Record<JobStatus, JobEventType>> = {
  completed: 'job.completed',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
};

/**
 * The `webhooks` queue and the stores its fan-out writes: built once per process by its
 * composition root (`webhookQueueContext`) and handed to whoever queues events.
 */
export interface WebhookQueueContext {
  queue: Queue;
  endpoints: WebhookEndpointStore;
  deliveries: WebhookDeliveryStore;
}

/**
 * The context of a process's `webhooks` queue: delivery records over `redis`, kept as long
 * as job records (`retentionSeconds`), and the process's endpoint store (one cache per
 * process: pass the one the rest of the process uses). `history`: the history tier the
 * delivery store moves finished deliveries to and reads them from (see `DeliveryStoreOptions`).
 */
export function webhookQueueContext(
  queue: Queue,
  redis: RedisClient,
  prefix: string,
  retentionSeconds: number,
  endpoints: WebhookEndpointStore = new WebhookEndpointStore(redis, prefix),
  history: DeliveryStoreOptions = {},
): WebhookQueueContext {
  return { queue, endpoints, deliveries: new WebhookDeliveryStore(redis, prefix, retentionSeconds, history) };
}

/**
 * Queues the event of a finished job to every target: the job's own `webhook.url` (signed
 * with the tenant's secret) and each of the tenant's enabled endpoints subscribed to the
 * event type (signed with the endpoint's secret). Each target gets a delivery record; one
 * already recorded is queued again only while it is still open, so calling this twice for
 * the same job delivers each event once. Returns the queue job ids (none without targets).
 * `requestId`: the request that submitted the job, carried to the dispatcher's log lines.
 */
export async function enqueueJobEvent(webhooks: WebhookQueueContext, tenantId: string, view: JobView, requestId?: string): Promise<string[]> {
  const type = EVENT_OF_STATUS[view.status];
  const build = () => {
    // Only finished jobs have an event; being asked for another is a bug in the caller.
    if (!type) throw errors.internal(`job ${view.id} is ${view.status}: only finished jobs have a webhook event`);
    return buildJobEvent(type, view);
  };
  return fanOut(webhooks, tenantId, type, view.webhook?.url ?? null, build, requestId);
}

/**
 * Queues the event of a batch that reached a final status, exactly as `enqueueJobEvent`
 * does a job's: to the batch's own `webhook.url` (tenant's secret) and each enabled endpoint
 * subscribed to the type, once however often it is called. Throws `internal_error` for a
 * batch that has not finished, targets or not. Returns the queue job ids.
 */
export async function enqueueBatchEvent(webhooks: WebhookQueueContext, tenantId: string, batch: BatchObject): Promise<string[]> {
  const event = buildBatchEvent(batch);
  return fanOut(webhooks, tenantId, event.type, batch.webhook?.url ?? null, () => event);
}

/**
 * The `session.completed` event of a realtime session that ended: id `evt_<session id>_completed`
 * and timestamp its end, so building it again yields the same event. A session still open has
 * none: asking is a caller's bug.
 */
export function buildSessionEvent(session: RealtimeSessionView): SessionWebhookEvent {
  if (session.status !== 'completed' || session.endedAt === null) throw errors.internal(`realtime session ${session.id} is still open: it has no event yet`);
  return { id: `evt_${session.id}_completed`, type: 'session.completed', timestamp: session.endedAt, data: session };
}

/**
 * Queues a realtime session's `session.completed` event to each of the tenant's enabled
 * endpoints subscribed to it (a session has no webhook URL of its own), once however often it
 * is called. Returns the queue job ids.
 */
export async function enqueueSessionEvent(webhooks: WebhookQueueContext, tenantId: string, session: RealtimeSessionView): Promise<string[]> {
  const event = buildSessionEvent(session);
  return fanOut(webhooks, tenantId, event.type, null, () => event);
}

/**
 * The fan-out of all three: one delivery record and queue job per target of an event of `type`
 * (`ownUrl`, the subject's own webhook, and the subscribed endpoints). The event is built
 * only once there is a target, so a subject without any never gets that far.
 */
async function fanOut(
  { queue, endpoints, deliveries }: WebhookQueueContext,
  tenantId: string,
  type: WebhookEventType | undefined,
  ownUrl: string | null,
  build: () => WebhookEvent,
  requestId?: string,
): Promise<string[]> {
  const subscribed = type ? (await endpoints.active(tenantId)).filter((e) => e.events.includes(type)) : [];
  const targets: DeliveryTarget[] = [...(ownUrl ? [{ url: ownUrl, endpointId: null }] : []), ...subscribed.map((e) => ({ url: e.url, endpointId: e.id }))];
  if (targets.length === 0) return [];
  const event = build();

  const queued = await Promise.all(
    targets.map(async (target) => {
      const { id, state } = await deliveries.record(tenantId, event, target);
      // The record is the truth: a delivery already finished is not sent again (redeliver does that).
      if (state !== 'new' && FINAL_DELIVERY_STATES.includes(state)) return null;
      return enqueueWebhook(queue, { tenantId, url: target.url, event, deliveryId: id, endpointId: target.endpointId, ...(requestId ? { requestId } : {}) });
    }),
  );
  return queued.filter((id): id is string => id !== null);
}

/**
 * Sends a finished delivery's event again (same `webhook-id`, same body) as a new series of
 * attempts. 409 while it is still open, when its event is past retention, or when its
 * endpoint is gone or disabled. A delivery that moved to the history tier is put back in
 * Redis first (`restore`), so it is sent, shown and moved again like any other.
 */
export async function redeliverWebhook({ queue, endpoints, deliveries }: WebhookQueueContext, tenantId: string, deliveryId: string): Promise<DeliveryRecord> {
  const found = await deliveries.find(tenantId, deliveryId);
  if (!found) throw errors.notFound('webhook_delivery', deliveryId);
  const { record, event } = found;
  if (!FINAL_DELIVERY_STATES.includes(record.state)) {
    throw errors.conflict('delivery_in_progress', `Delivery ${deliveryId} is ${record.state}; redeliver it once it has finished.`);
  }
  // The dispatcher expires a delivery older than the retention (its gate): its event is as good as gone.
  if (!event || deliveries.pastRetention(record)) {
    throw errors.conflict('event_expired', `The event of delivery ${deliveryId} is past retention and cannot be sent again.`);
  }
  if (record.endpointId) {
    const endpoint = await endpoints.get(tenantId, record.endpointId);
    if (!endpoint) throw errors.conflict('endpoint_deleted', `Endpoint ${record.endpointId} of delivery ${deliveryId} was deleted.`);
    if (!endpoint.enabled) throw errors.conflict('endpoint_disabled', `Endpoint ${record.endpointId} is disabled; enable it before redelivering.`);
  }
  if (deliveries.movesToHistory) await deliveries.restore({ ...found, event });
  const moved = await deliveries.transition(
    record,
    'pending',
    FINAL_DELIVERY_STATES,
    { lastError: null, nextAttemptAt: new Date().toISOString() },
    { mode: 'redeliver' },
  );
  if (moved.kind === 'missing') throw errors.notFound('webhook_delivery', deliveryId);
  if (moved.kind === 'rejected')
    throw errors.conflict('delivery_in_progress', `Delivery ${deliveryId} is ${moved.current}; redeliver it once it has finished.`);
  const { record: next } = moved;
  await enqueueWebhook(queue, { tenantId, url: next.url, event, deliveryId: next.id, endpointId: next.endpointId }, next.series);
  return next;
}
