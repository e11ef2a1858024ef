import { UnrecoverableError, type Job } from 'bullmq';
import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import type { CatalogJob, InvalidJobDataError, QUEUE_CATALOG } from '@voxq/queues';
import { attemptDelivery } from './delivery-attempt';
import { deliveryDeps, type DeliveryDeps, type SecretLookup } from './delivery-deps';
import { gateDelivery } from './delivery-gate';
import { deadLetter } from './delivery-log';
import {
  recordDispatcherError,
  recordFailure,
  recordSkip,
  recordStart,
  recordSuccess,
  type AttemptContext,
  type DeliveryOutcome,
} from './delivery-transitions';
import { WebhookRetryError } from './schedule';

export interface DeliveryProcessorDeps {
  config: Config;
  logger: Logger;
  /** A plain command connection for the records, the delivery log and the dead-letter list. */
  redis: RedisClient;
  /** The tenant's secret, which signs deliveries to a job's own `webhook.url`. */
  secretFor: SecretLookup;
}

export type WebhookJob = CatalogJob<typeof QUEUE_CATALOG.webhooks>;

/**
 * The dispatcher's processor of the `webhooks` queue: one signed POST per attempt, with the
 * delivery record kept in step (pending → delivering → succeeded | pending | failed), in
 * three units: the gate (is the attempt still wanted), the attempt (sign, send, classify),
 * and the transitions (log it, move the record, steer the queue). A failed attempt throws
 * `WebhookRetryError` with the delay until the next one; a delivery that can never succeed
 * throws `UnrecoverableError`. Either way the last failure lands in the dead-letter list,
 * so no event is dropped silently. A delivery whose endpoint was deleted or disabled
 * meanwhile is cancelled, one past retention expires.
 */
export function createDeliveryProcessor(options: DeliveryProcessorDeps | DeliveryDeps) {
  const deps = 'config' in options ? deliveryDeps(options) : options;

  return async function processDelivery(job: WebhookJob): Promise<DeliveryOutcome> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const delivery = job.data;
    const deliveryId = delivery.deliveryId ?? job.id ?? 'unknown';
    const started = performance.now();
    // The event's job and the API request that submitted it: one grep follows a job from intake to webhook.
    const { type, data } = delivery.event;
    const subject = type.startsWith('job.') ? { jobId: data.id } : type.startsWith('batch.') ? { batchId: data.id } : { sessionId: data.id };
    const log = deps.logger.child({
      deliveryId,
      eventId: delivery.event.id,
      attempt,
      ...subject,
      ...(delivery.requestId ? { requestId: delivery.requestId } : {}),
    });

    const gate = await gateDelivery(deps, delivery);
    if (!gate.send) return recordSkip(deps, { attempt, log }, gate);
    const ctx: AttemptContext = { delivery, deliveryId, attempt, record: gate.record, endpoint: gate.endpoint, started, log };
    await recordStart(deps, ctx);

    try {
      const result = await attemptDelivery(deps, delivery, gate.endpoint, lastAttempt);
      if (result.kind === 'delivered') return await recordSuccess(deps, ctx, result);
      throw await recordFailure(deps, ctx, result);
    } catch (error) {
      if (error instanceof WebhookRetryError || error instanceof UnrecoverableError) throw error;
      // Something of ours failed (Redis away, say). BullMQ retries it; on the last attempt
      // it is dead-lettered here, as no later attempt will.
      if (lastAttempt) await recordDispatcherError(deps, ctx, error as Error);
      throw error;
    }
  };
}

/**
 * A `webhooks` job whose data is not a delivery (the catalog's parse failed): dead-lettered
 * under its queue job id, then failed with the reason operators know (`invalid delivery data: …`).
 */
export async function deadLetterInvalid(deps: Pick<DeliveryDeps, 'redis' | 'prefix' | 'logger'>, job: Job, error: InvalidJobDataError): Promise<never> {
  const reason = `invalid delivery data: ${error.detail}`;
  await deadLetter(deps, job.id ?? 'unknown', null, job.attemptsMade + 1, reason);
  throw new UnrecoverableError(reason);
}

export type DeliveryProcessor = ReturnType<typeof createDeliveryProcessor>;
