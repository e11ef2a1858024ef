import { UnrecoverableError } from 'bullmq';
import type { WebhookDeliveryState } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { recordWebhookAttempt } from '@voxq/metrics';
import type { WebhookDelivery } from '@voxq/queues';
import type { AttemptResult } from './delivery-attempt';
import type { DeliveryDeps } from './delivery-deps';
import type { GateDecision } from './delivery-gate';
import { appendAttempt, deadLetter } from './delivery-log';
import { OPEN_DELIVERY_STATES, type DeliveryRecord, type DeliveryUpdate } from './delivery-store';
import type { WebhookEndpoint } from './endpoint-store';
import { nextRetryDelayMs, WebhookRetryError } from './schedule';

/** What the processor returns to BullMQ (the job's return value). */
export interface DeliveryOutcome {
  state: WebhookDeliveryState;
  status: number | null;
  ms: number;
  attempt: number;
}

/** One attempt of one delivery, as the units that record it need it. */
export interface AttemptContext {
  delivery: WebhookDelivery;
  /** The record's id, or the queue job's for deliveries queued without a record. */
  deliveryId: string;
  /** 1 for the first attempt. */
  attempt: number;
  record: DeliveryRecord | null;
  endpoint: WebhookEndpoint | null;
  /** `performance.now()` when the attempt began: the latency of attempts with no answer. */
  started: number;
  log: Logger;
}

function close(deps: Pick<DeliveryDeps, 'deliveries'>, record: DeliveryRecord, to: WebhookDeliveryState, update: DeliveryUpdate) {
  return deps.deliveries.transition(record, to, OPEN_DELIVERY_STATES, update);
}

/** An attempt the gate stopped: its record is closed (expired, cancelled), the metric counted. */
export async function recordSkip(
  deps: Pick<DeliveryDeps, 'deliveries'>,
  ctx: Pick<AttemptContext, 'attempt' | 'log'>,
  decision: Extract<GateDecision, { send: false }>,
): Promise<DeliveryOutcome> {
  const outcome = { state: decision.state, status: null, ms: 0, attempt: ctx.attempt };
  switch (decision.why) {
    case 'finished':
      return outcome;
    case 'record-gone':
      ctx.log.warn('webhook delivery record expired before its attempt; not sent');
      break;
    case 'too-old':
      await close(deps, decision.record!, 'expired', { lastError: decision.reason, nextAttemptAt: null });
      ctx.log.warn('webhook delivery expired: older than the retention period');
      break;
    case 'endpoint-gone':
    case 'endpoint-disabled':
      if (decision.record) await close(deps, decision.record, 'cancelled', { lastError: decision.reason, nextAttemptAt: null });
      ctx.log.info({ reason: decision.reason }, 'webhook delivery cancelled');
      break;
  }
  recordWebhookAttempt(decision.state === 'expired' ? 'expired' : 'cancelled', null, null);
  return outcome;
}

/** The gate let the attempt through: its record says so until the answer is in. */
export async function recordStart(deps: Pick<DeliveryDeps, 'deliveries'>, ctx: Pick<AttemptContext, 'record'>): Promise<void> {
  if (ctx.record) await deps.deliveries.transition(ctx.record, 'delivering', OPEN_DELIVERY_STATES, { nextAttemptAt: null }, { mode: 'attempt' });
}

/** A 2xx: logged, the record succeeds. */
export async function recordSuccess(
  deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'retentionSeconds' | 'deliveries'>,
  ctx: AttemptContext,
  result: Extract<AttemptResult, { kind: 'delivered' }>,
): Promise<DeliveryOutcome> {
  const { delivery, record, attempt } = ctx;
  const { response } = result;
  await appendAttempt(deps, delivery, {
    attempt,
    at: new Date().toISOString(),
    url: delivery.url,
    status: response.status,
    ms: response.ms,
    excerpt: response.excerpt,
    error: null,
    deliveryId: delivery.deliveryId ?? null,
    endpointId: delivery.endpointId ?? null,
    series: record?.series ?? 0,
  });
  if (record) await close(deps, record, 'succeeded', { lastStatusCode: response.status, lastError: null, nextAttemptAt: null });
  recordWebhookAttempt('delivered', response.status, response.ms);
  ctx.log.info({ status: response.status, ms: response.ms }, 'webhook delivered');
  return { state: 'succeeded', status: response.status, ms: response.ms, attempt };
}

/**
 * A failed attempt: logged; a 410 disables its endpoint; a final failure closes the record
 * and is dead-lettered, any other schedules the next attempt (the retry schedule,
 * lengthened by `Retry-After`). Returns the error that steers the queue: `UnrecoverableError`
 * or `WebhookRetryError` with the delay (the dispatcher's backoff strategy hands it to BullMQ).
 */
export async function recordFailure(
  deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'retentionSeconds' | 'deliveries' | 'endpoints' | 'schedule' | 'retryAfterMaxMs' | 'logger'>,
  ctx: AttemptContext,
  result: Extract<AttemptResult, { kind: 'failed' }>,
): Promise<Error> {
  const { delivery, record, attempt, log } = ctx;
  const { reason, final, response } = result;
  if (result.gone && ctx.endpoint) {
    await deps.endpoints.disable(ctx.endpoint, 'the receiver answered 410 Gone');
    log.warn({ endpointId: ctx.endpoint.id }, 'webhook endpoint disabled: it answered 410 Gone');
  }
  await appendAttempt(deps, delivery, {
    attempt,
    at: new Date().toISOString(),
    url: delivery.url,
    status: response?.status ?? null,
    ms: response?.ms ?? Math.round(performance.now() - ctx.started),
    excerpt: response?.excerpt ?? null,
    error: reason,
    deliveryId: delivery.deliveryId ?? null,
    endpointId: delivery.endpointId ?? null,
    series: record?.series ?? 0,
  });
  const lastStatusCode = response?.status ?? null;
  recordWebhookAttempt(final ? 'failed' : 'retry', lastStatusCode, response?.ms ?? null);
  if (final) {
    if (record) await close(deps, record, 'failed', { lastStatusCode, lastError: reason, nextAttemptAt: null });
    await deadLetter(deps, ctx.deliveryId, delivery, attempt, reason);
    return new UnrecoverableError(reason);
  }
  const delayMs = nextRetryDelayMs(deps.schedule, attempt, result.retryAfterMs, deps.retryAfterMaxMs);
  if (record) {
    const nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    await deps.deliveries.transition(record, 'pending', ['delivering'], { lastStatusCode, lastError: reason, nextAttemptAt });
  }
  log.info({ reason, delayMs }, 'webhook attempt failed; will retry');
  return new WebhookRetryError(reason, delayMs);
}

/**
 * Something of ours failed (Redis away, say) on the last attempt: BullMQ will not run the
 * job again, so the record is failed and the delivery dead-lettered here.
 */
export async function recordDispatcherError(
  deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'deliveries' | 'logger'>,
  ctx: Pick<AttemptContext, 'delivery' | 'deliveryId' | 'attempt' | 'record'>,
  error: Error,
): Promise<void> {
  const reason = `dispatcher error: ${error.message}`;
  // Best effort, both: the same outage that failed the attempt may fail these writes too,
  // and the job's own error (rethrown by the caller) must not be replaced by theirs.
  if (ctx.record)
    await close(deps, ctx.record, 'failed', { lastError: reason, nextAttemptAt: null }).catch((e: unknown) =>
      deps.logger.warn({ err: e, deliveryId: ctx.deliveryId }, 'could not fail the delivery record'),
    );
  await deadLetter(deps, ctx.deliveryId, ctx.delivery, ctx.attempt, reason).catch((e: unknown) =>
    deps.logger.error({ err: e, deliveryId: ctx.deliveryId }, 'could not dead-letter the delivery'),
  );
}
