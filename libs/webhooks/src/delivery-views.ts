import type { WebhookDeliveryAttempt, WebhookDeliveryDetail, WebhookDeliveryView } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { EXCERPT_BYTES, WEBHOOK_USER_AGENT } from './deliver';
import { toDeliveryView, type DeliveryEndpointInfo, type DeliveryRecord, type WebhookDeliveryStore } from './delivery-store';
import type { WebhookEndpoint, WebhookEndpointStore } from './endpoint-store';

/** The stores the SDK-shaped delivery reads use. */
export interface DeliveryViewDeps {
  endpoints: WebhookEndpointStore;
  deliveries: WebhookDeliveryStore;
}

/** A tenant's endpoints by id, as delivery views show them. */
export async function endpointInfo(endpoints: Pick<WebhookEndpointStore, 'list'>, tenantId: string): Promise<Map<string, WebhookEndpoint>> {
  return new Map((await endpoints.list(tenantId)).map((e) => [e.id, e]));
}

/** The deliveries' views, each with its endpoint's name (one read of the tenant's endpoints). */
export function deliveryViews(records: DeliveryRecord[], endpoints: Map<string, DeliveryEndpointInfo>): WebhookDeliveryView[] {
  return records.map((r) => toDeliveryView(r, r.endpointId ? endpoints.get(r.endpointId) : undefined));
}

/** The Speko SDK's `endpointOptions` of a delivery listing: the tenant's endpoints to filter by. */
export function endpointOptions(endpoints: Map<string, WebhookEndpoint>) {
  return [...endpoints.values()].map((e) => ({ id: e.id, name: e.name, kind: 'workspace' as const, deleted: false }));
}

/**
 * `GET /v1/webhook-deliveries/:id`: the delivery, its event body, and its attempts from the
 * subject's attempt log (newest first; the log keeps the subject's last 50), from Redis or,
 * once they moved, from the history tier. The headers
 * shown are those every attempt carries (the endpoint's as configured now); the signature
 * and timestamp, different on each attempt, are left out.
 */
export async function readDeliveryDetail(deps: DeliveryViewDeps, tenantId: string, id: string): Promise<WebhookDeliveryDetail> {
  const found = await deps.deliveries.find(tenantId, id);
  if (!found) throw errors.notFound('webhook_delivery', id);
  const { record, event } = found;
  const [endpoint, lines] = await Promise.all([
    record.endpointId ? deps.endpoints.get(tenantId, record.endpointId) : null,
    record.jobId ? deps.deliveries.attempts(tenantId, record.jobId) : [],
  ]);
  const { attempts: attemptCount, ...view } = toDeliveryView(record, endpoint ?? undefined);
  const requestBody = event ? JSON.stringify(event) : null;
  const requestHeaders = { ...endpoint?.headers, 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT, 'webhook-id': record.eventId };
  const attempts: WebhookDeliveryAttempt[] = lines.flatMap((a) => {
    if (a.deliveryId !== record.id) return [];
    const series = a.series ?? 0;
    return [
      {
        id: `${record.id}.${series}.${a.attempt}`,
        attemptNumber: a.attempt,
        trigger: series > 0 ? 'manual' : 'automatic',
        requestUrl: a.url,
        requestHeaders,
        requestBody,
        responseStatus: a.status,
        responseBody: a.excerpt,
        responseTruncated: a.excerpt !== null && Buffer.byteLength(a.excerpt) >= EXCERPT_BYTES,
        durationMs: a.ms,
        error: a.error,
        createdAt: a.at,
      },
    ];
  });
  return { ...view, attemptCount, requestPayload: event ? (event as unknown as Record<string, unknown>) : null, attempts };
}

/** How a redelivery's first attempt went; `done: false` when it had not finished within the wait. */
export interface FirstAttempt {
  done: boolean;
  record: DeliveryRecord;
}

const POLL_MS = 50;

/**
 * Waits (at most `boundMs`) for the first attempt of the series `started` began: done when
 * the record has counted an attempt and left `delivering`, or closed without one (its
 * endpoint went away meanwhile), or a later redelivery replaced the series. Polls the
 * record: one small HGETALL per 50 ms for a few seconds, on a route clients rarely call.
 */
export async function awaitFirstAttempt(deliveries: Pick<WebhookDeliveryStore, 'get'>, started: DeliveryRecord, boundMs: number): Promise<FirstAttempt> {
  const deadline = Date.now() + boundMs;
  let record = started;
  for (;;) {
    const current = await deliveries.get(started.tenantId, started.id);
    if (!current) return { done: false, record };
    record = current;
    const attempted = record.attempts >= 1 && record.state !== 'delivering';
    const closed = record.state !== 'pending' && record.state !== 'delivering';
    if (record.series !== started.series || attempted || closed) return { done: true, record };
    if (Date.now() + POLL_MS > deadline) return { done: false, record };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
