import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@voxq/config';
import type { WebhookAttemptView, WebhookDeliveryState } from '@voxq/contracts';
import { isAppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { recordWebhookAttempt, recordWebhookDeadLetter } from '@voxq/metrics';
import { redisKeys } from '@voxq/redis-keys';
import { deliverWebhook, isDelivered, type DeliveryResponse } from './deliver';
import { OPEN_DELIVERY_STATES, WebhookDeliveryStore, type DeliveryRecord, type DeliveryUpdate } from './delivery-store';
import { sharedEndpointStore, signingSecrets, type WebhookEndpoint } from './endpoint-store';
import { webhookDeliverySchema, type WebhookDelivery } from './events';
import { nextRetryDelayMs, parseRetryAfter, RETRY_AFTER_STATUSES, WebhookRetryError } from './schedule';
import { signWebhook } from './signing';
import { assertDeliverableUrl, PRIVATE_ADDRESS_CODE, URL_GUARD_CODES } from '@voxq/url-guard';

/** Attempts kept per job in its delivery log. */
export const DELIVERY_LOG_LENGTH = 50;

/** Returns the tenant's current webhook secret, or null when it has none. */
export type SecretLookup = (tenantId: string) => Promise<string | null>;

export interface DeliveryProcessorDeps {
  config: Config;
  logger: Logger;
  /** A plain command connection for the records, the delivery log and the dead-letter list. */
  redis: Redis;
  /** The tenant's secret, which signs deliveries to a job's own `webhook.url`. */
  secretFor: SecretLookup;
}

/**
 * One line of the delivery log of an event's subject (`<prefix>:job:<id>:deliveries`, newest
 * first): a job's, or a batch's for `batch.*` events (the key keeps its `job:` segment).
 */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  ms: number;
  excerpt: string | null;
  error: string | null;
  /** The delivery record and endpoint of the attempt (absent in entries written before they existed). */
  deliveryId?: string | null;
  endpointId?: string | null;
}

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

export interface DeliveryOutcome {
  state: WebhookDeliveryState;
  status: number | null;
  ms: number;
  attempt: number;
}

export const deliveryLogKey = (prefix: string, jobId: string) => redisKeys(prefix).webhookDeliveries.attemptLog(jobId);
export const deadLetterKey = (prefix: string) => redisKeys(prefix).webhookDeliveries.deadLetter();

/** A job's delivery log as `GET /v1/jobs/:id/deliveries` shows it, newest first. */
export async function readDeliveryLog(redis: Redis, prefix: string, jobId: string): Promise<WebhookAttemptView[]> {
  const lines = await redis.lrange(deliveryLogKey(prefix, jobId), 0, -1);
  return lines.map((line) => {
    const a = JSON.parse(line) as DeliveryAttempt;
    return {
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
    };
  });
}

/**
 * The dispatcher's processor of the `webhooks` queue: one signed POST per attempt, with the
 * delivery record kept in step (pending → delivering → succeeded | pending | failed). A
 * failed attempt throws `WebhookRetryError` with the delay until the next one (the retry
 * schedule, lengthened by `Retry-After`), which the dispatcher's backoff strategy hands to
 * BullMQ; a delivery that can never succeed throws `UnrecoverableError`. Either way the last
 * failure lands in the dead-letter list, so no event is dropped silently. A delivery whose
 * endpoint was deleted or disabled meanwhile is cancelled, one past retention expires.
 */
export function createDeliveryProcessor({ config, logger, redis, secretFor }: DeliveryProcessorDeps) {
  const prefix = config.redis.prefix;
  const policy = { allowPrivateNetworks: config.webhooks.allowPrivateNetworks, allowHttp: config.webhooks.allowHttp };
  const endpoints = sharedEndpointStore(redis, prefix);
  const deliveries = new WebhookDeliveryStore(redis, prefix, config.jobs.retentionSeconds);
  const schedule = config.webhooks.retryScheduleMs;

  return async function processDelivery(job: Job<unknown>): Promise<DeliveryOutcome> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const queueJobId = job.id ?? 'unknown';

    const parsed = webhookDeliverySchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `invalid delivery data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      await deadLetter(queueJobId, null, attempt, reason);
      throw new UnrecoverableError(reason);
    }
    const delivery = parsed.data;
    const deliveryId = delivery.deliveryId ?? queueJobId;
    const started = performance.now();
    // The event's job and the API request that submitted it: one grep follows a job from intake to webhook.
    const subject = delivery.event.type.startsWith('job.') ? { jobId: delivery.event.data.id } : { batchId: delivery.event.data.id };
    const log = logger.child({ deliveryId, eventId: delivery.event.id, attempt, ...subject, ...(delivery.requestId ? { requestId: delivery.requestId } : {}) });

    // The record decides whether this attempt happens at all.
    let record: DeliveryRecord | null = null;
    if (delivery.deliveryId) {
      record = await deliveries.read(delivery.deliveryId);
      if (!record) {
        log.warn('webhook delivery record expired before its attempt; not sent');
        recordWebhookAttempt('expired', null, null);
        return { state: 'expired', status: null, ms: 0, attempt };
      }
      if (!OPEN_DELIVERY_STATES.includes(record.state)) return { state: record.state, status: null, ms: 0, attempt };
      if (Date.now() - Date.parse(record.createdAt) > config.jobs.retentionSeconds * 1000) {
        await close(record, 'expired', { lastError: 'older than the retention period', nextAttemptAt: null });
        log.warn('webhook delivery expired: older than the retention period');
        recordWebhookAttempt('expired', null, null);
        return { state: 'expired', status: null, ms: 0, attempt };
      }
    }

    let endpoint: WebhookEndpoint | null = null;
    if (delivery.endpointId) {
      endpoint = await endpoints.read(delivery.endpointId);
      const gone = !endpoint || endpoint.tenantId !== delivery.tenantId;
      if (gone || !endpoint?.enabled) {
        const reason = gone ? 'endpoint deleted' : `endpoint disabled${endpoint?.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
        if (record) await close(record, 'cancelled', { lastError: reason, nextAttemptAt: null });
        log.info({ reason }, 'webhook delivery cancelled');
        recordWebhookAttempt('cancelled', null, null);
        return { state: 'cancelled', status: null, ms: 0, attempt };
      }
    }
    if (record) await deliveries.transition(record, 'delivering', OPEN_DELIVERY_STATES, { nextAttemptAt: null }, { mode: 'attempt' });

    /** Logs the failed attempt; a final failure is dead-lettered, any other schedules the next attempt. */
    const failed = async (reason: string, final: boolean, response?: DeliveryResponse): Promise<Error> => {
      await logAttempt(delivery, {
        attempt,
        at: new Date().toISOString(),
        url: delivery.url,
        status: response?.status ?? null,
        ms: response?.ms ?? Math.round(performance.now() - started),
        excerpt: response?.excerpt ?? null,
        error: reason,
        deliveryId: delivery.deliveryId ?? null,
        endpointId: delivery.endpointId ?? null,
      });
      const lastStatusCode = response?.status ?? null;
      recordWebhookAttempt(final ? 'failed' : 'retry', lastStatusCode, response?.ms ?? null);
      if (final) {
        if (record) await close(record, 'failed', { lastStatusCode, lastError: reason, nextAttemptAt: null });
        await deadLetter(deliveryId, delivery, attempt, reason);
        return new UnrecoverableError(reason);
      }
      const retryAfter = response && RETRY_AFTER_STATUSES.has(response.status) ? parseRetryAfter(response.retryAfter) : null;
      const delayMs = nextRetryDelayMs(schedule, attempt, retryAfter, config.webhooks.retryAfterMaxMs);
      if (record) {
        const nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
        await deliveries.transition(record, 'pending', ['delivering'], { lastStatusCode, lastError: reason, nextAttemptAt });
      }
      log.info({ reason, delayMs }, 'webhook attempt failed; will retry');
      return new WebhookRetryError(reason, delayMs);
    };

    try {
      // Checked again here, not only at submit: the host's DNS may have changed since.
      try {
        await assertDeliverableUrl(delivery.url, policy, 'url');
      } catch (error) {
        if (isAppError(error) && error.code === URL_GUARD_CODES.unresolved) throw await failed(error.message, lastAttempt);
        throw await failed(`refused: ${(error as Error).message}`, true);
      }

      const secrets = endpoint ? signingSecrets(endpoint) : await secretFor(delivery.tenantId).then((s) => (s ? [s] : []));
      if (secrets.length === 0) throw await failed('tenant has no webhook secret', true);

      const body = JSON.stringify(delivery.event);
      let response: DeliveryResponse;
      try {
        response = await deliverWebhook({
          url: delivery.url,
          body,
          headers: signWebhook(secrets, { id: delivery.event.id, timestamp: new Date(), body }),
          timeoutMs: config.webhooks.timeoutMs,
          policy,
        });
      } catch (error) {
        const reason = `request failed: ${(error as Error).message}`;
        // The host re-resolved to a private address at connect time (DNS rebinding): never retried.
        throw await failed(reason, lastAttempt || (error as NodeJS.ErrnoException).code === PRIVATE_ADDRESS_CODE);
      }

      if (response.status === 410) {
        // The receiver says the endpoint is gone for good: stop sending to it at all.
        if (endpoint) {
          await endpoints.disable(endpoint, 'the receiver answered 410 Gone');
          log.warn({ endpointId: endpoint.id }, 'webhook endpoint disabled: it answered 410 Gone');
        }
        throw await failed('receiver answered 410 Gone', true, response);
      }
      if (!isDelivered(response.status)) throw await failed(`receiver answered ${response.status}`, lastAttempt, response);

      await logAttempt(delivery, {
        attempt,
        at: new Date().toISOString(),
        url: delivery.url,
        status: response.status,
        ms: response.ms,
        excerpt: response.excerpt,
        error: null,
        deliveryId: delivery.deliveryId ?? null,
        endpointId: delivery.endpointId ?? null,
      });
      if (record) await close(record, 'succeeded', { lastStatusCode: response.status, lastError: null, nextAttemptAt: null });
      recordWebhookAttempt('delivered', response.status, response.ms);
      log.info({ status: response.status, ms: response.ms }, 'webhook delivered');
      return { state: 'succeeded', status: response.status, ms: response.ms, attempt };
    } catch (error) {
      if (error instanceof WebhookRetryError || error instanceof UnrecoverableError) throw error;
      // Something of ours failed (Redis away, say). BullMQ retries it; on the last attempt
      // it is dead-lettered here, as no later attempt will.
      if (lastAttempt) {
        const reason = `dispatcher error: ${(error as Error).message}`;
        if (record) await close(record, 'failed', { lastError: reason, nextAttemptAt: null }).catch(() => undefined);
        await deadLetter(deliveryId, delivery, attempt, reason).catch(() => undefined);
      }
      throw error;
    }
  };

  function close(record: DeliveryRecord, to: WebhookDeliveryState, update: DeliveryUpdate) {
    return deliveries.transition(record, to, OPEN_DELIVERY_STATES, update);
  }

  async function logAttempt(delivery: WebhookDelivery, entry: DeliveryAttempt): Promise<void> {
    // Keyed by the event's subject, a job or a batch; kept as long as its record, then gone with it.
    const key = deliveryLogKey(prefix, delivery.event.data.id);
    await redis
      .multi()
      .lpush(key, JSON.stringify(entry))
      .ltrim(key, 0, DELIVERY_LOG_LENGTH - 1)
      .expire(key, config.jobs.retentionSeconds)
      .exec();
  }

  // Not trimmed: this list is the record of what clients did not receive; operators drain it.
  async function deadLetter(deliveryId: string, delivery: WebhookDelivery | null, attempts: number, error: string) {
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
    await redis.lpush(deadLetterKey(prefix), JSON.stringify(entry));
    recordWebhookDeadLetter();
    // The URL's query string may carry a receiver's token: log its origin only.
    const target = delivery ? originOf(delivery.url) : null;
    logger.warn({ deliveryId, eventId: entry.eventId, tenantId: entry.tenantId, target, attempts, error }, 'webhook dead-lettered');
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export type DeliveryProcessor = ReturnType<typeof createDeliveryProcessor>;
