import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@voxq/config';
import { isAppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { deliverWebhook, isDelivered, type DeliveryResponse } from './deliver';
import { webhookDeliverySchema, type WebhookDelivery } from './events';
import { signWebhook } from './signing';
import { assertDeliverableUrl, PRIVATE_ADDRESS_CODE, URL_GUARD_CODES } from './url-guard';

/** Attempts kept per job in its delivery log. */
export const DELIVERY_LOG_LENGTH = 50;

/** Returns the tenant's current webhook secret, or null when it has none. */
export type SecretLookup = (tenantId: string) => Promise<string | null>;

export interface DeliveryProcessorDeps {
  config: Config;
  logger: Logger;
  /** A plain command connection for the delivery log and dead-letter list. */
  redis: Redis;
  secretFor: SecretLookup;
}

/** One line of a job's delivery log (`<prefix>:job:<id>:deliveries`, newest first). */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  ms: number;
  excerpt: string | null;
  error: string | null;
}

/** A delivery that will not be retried again (`<prefix>:webhooks:dead-letter`, newest first). */
export interface DeadLetter {
  deliveryId: string;
  eventId: string | null;
  eventType: string | null;
  jobId: string | null;
  tenantId: string | null;
  url: string | null;
  attempts: number;
  error: string;
  at: string;
}

export interface DeliveryOutcome {
  status: number;
  ms: number;
  attempt: number;
}

export const deliveryLogKey = (prefix: string, jobId: string) => `${prefix}:job:${jobId}:deliveries`;
export const deadLetterKey = (prefix: string) => `${prefix}:webhooks:dead-letter`;

/**
 * The dispatcher's processor of the `webhooks` queue: one signed POST per attempt. A failed
 * attempt throws so BullMQ retries it with the queue's backoff (`webhookJobOptions`); a
 * delivery that can never succeed throws `UnrecoverableError`. Either way the last failure
 * lands in the dead-letter list, so no event is dropped silently.
 */
export function createDeliveryProcessor({ config, logger, redis, secretFor }: DeliveryProcessorDeps) {
  const prefix = config.redis.prefix;
  const policy = { allowPrivateNetworks: config.webhooks.allowPrivateNetworks, allowHttp: config.webhooks.allowHttp };

  return async function processDelivery(job: Job<unknown>): Promise<DeliveryOutcome> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const deliveryId = job.id ?? 'unknown';

    const parsed = webhookDeliverySchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = `invalid delivery data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      await deadLetter(deliveryId, null, attempt, reason);
      throw new UnrecoverableError(reason);
    }
    const delivery = parsed.data;
    const started = performance.now();

    /** Logs the failed attempt and, when nothing will retry it, dead-letters the delivery. */
    const failed = async (reason: string, final: boolean, response?: DeliveryResponse): Promise<string> => {
      await record(delivery, {
        attempt,
        at: new Date().toISOString(),
        url: delivery.url,
        status: response?.status ?? null,
        ms: response?.ms ?? Math.round(performance.now() - started),
        excerpt: response?.excerpt ?? null,
        error: reason,
      });
      if (final) await deadLetter(deliveryId, delivery, attempt, reason);
      else logger.info({ deliveryId, eventId: delivery.event.id, attempt, reason }, 'webhook attempt failed; will retry');
      return reason;
    };

    // Checked again here, not only at submit: the host's DNS may have changed since.
    try {
      await assertDeliverableUrl(delivery.url, policy, 'url');
    } catch (error) {
      if (isAppError(error) && error.code === URL_GUARD_CODES.unresolved) {
        throw new Error(await failed(error.message, lastAttempt));
      }
      throw new UnrecoverableError(await failed(`refused: ${(error as Error).message}`, true));
    }

    const secret = await secretFor(delivery.tenantId);
    if (!secret) throw new UnrecoverableError(await failed('tenant has no webhook secret', true));

    const body = JSON.stringify(delivery.event);
    let response: DeliveryResponse;
    try {
      response = await deliverWebhook({
        url: delivery.url,
        body,
        headers: signWebhook(secret, { id: delivery.event.id, timestamp: new Date(), body }),
        timeoutMs: config.webhooks.timeoutMs,
        policy,
      });
    } catch (error) {
      const reason = `request failed: ${(error as Error).message}`;
      // The host re-resolved to a private address at connect time (DNS rebinding): never retried.
      if ((error as NodeJS.ErrnoException).code === PRIVATE_ADDRESS_CODE) throw new UnrecoverableError(await failed(reason, true));
      throw new Error(await failed(reason, lastAttempt));
    }

    if (!isDelivered(response.status)) {
      throw new Error(await failed(`receiver answered ${response.status}`, lastAttempt, response));
    }
    await record(delivery, {
      attempt,
      at: new Date().toISOString(),
      url: delivery.url,
      status: response.status,
      ms: response.ms,
      excerpt: response.excerpt,
      error: null,
    });
    logger.info({ deliveryId, eventId: delivery.event.id, attempt, status: response.status, ms: response.ms }, 'webhook delivered');
    return { status: response.status, ms: response.ms, attempt };
  };

  async function record(delivery: WebhookDelivery, entry: DeliveryAttempt): Promise<void> {
    const key = deliveryLogKey(prefix, delivery.event.data.id);
    // Kept as long as the job record itself, then gone with it.
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
