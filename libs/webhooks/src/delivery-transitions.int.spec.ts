import { UnrecoverableError } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import type { WebhookDelivery } from '@voxq/queues';
import type { DeliveryDeps } from './delivery-deps';
import { redisKeys } from '@voxq/redis-keys';
import { readDeliveryLog, type DeadLetter } from './delivery-log';
import { recordDispatcherError, recordFailure, recordSkip, recordStart, recordSuccess, type AttemptContext } from './delivery-transitions';
import { deliveryTo, TENANT, unitDeps } from './delivery-units.fixture';
import { WebhookRetryError } from './schedule';

const URL = 'https://receiver.example.com/hook';
const response = (status: number) => ({ status, ms: 12, excerpt: 'nope', retryAfter: null });

/** Logging an attempt and moving its record, against real Redis. */
describe('delivery transitions', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function setup(attempt = 1) {
    const unit = unitDeps(testConfig(), cleanupPrefix);
    closers.push(unit.close);
    const deps: DeliveryDeps = { ...unit.deps, schedule: [0, 1_000, 1_000], retryAfterMaxMs: 60_000 };
    const endpoint = await deps.endpoints.create(TENANT, { url: URL, events: ['job.completed'], description: null, enabled: true });
    const base = deliveryTo(URL, { endpointId: endpoint.id });
    const { id } = await deps.deliveries.record(TENANT, base.event, { url: URL, endpointId: endpoint.id });
    const delivery: WebhookDelivery = { ...base, deliveryId: id };
    const ctx: AttemptContext = {
      delivery,
      deliveryId: id,
      attempt,
      record: await deps.deliveries.read(id),
      endpoint,
      started: performance.now(),
      log: deps.logger,
    };
    await recordStart(deps, ctx);
    const deadLetters = async () =>
      (await unit.redis.lrange(redisKeys(deps.prefix).webhookDeliveries.deadLetter(), 0, -1)).map((l) => JSON.parse(l) as DeadLetter);
    return { deps, ctx, id, endpoint, deadLetters, redis: unit.redis };
  }

  it('a failure before the last attempt: logged, record pending until the next one, a retry error with the delay', async () => {
    const { deps, ctx, id, deadLetters } = await setup();
    const error = await recordFailure(deps, ctx, {
      kind: 'failed',
      reason: 'receiver answered 503',
      final: false,
      response: response(503),
      retryAfterMs: 30_000,
      gone: false,
    });
    expect(error).toBeInstanceOf(WebhookRetryError);
    expect((error as WebhookRetryError).retryDelayMs).toBe(30_000); // Retry-After beats the 1 s of the schedule.
    expect(await deps.deliveries.read(id)).toMatchObject({
      state: 'pending',
      lastStatusCode: 503,
      lastError: 'receiver answered 503',
      nextAttemptAt: expect.any(String),
    });
    expect(await readDeliveryLog(deps.deliveries, ctx.delivery.tenantId, ctx.delivery.event.data.id)).toMatchObject([
      { attempt: 1, statusCode: 503, error: 'receiver answered 503', deliveryId: id },
    ]);
    expect(await deadLetters()).toEqual([]);
  });

  it('a final failure: record failed, dead-lettered, unrecoverable; a 410 also disables the endpoint', async () => {
    const { deps, ctx, id, endpoint, deadLetters } = await setup(3);
    const error = await recordFailure(deps, ctx, {
      kind: 'failed',
      reason: 'receiver answered 410 Gone',
      final: true,
      response: response(410),
      retryAfterMs: null,
      gone: true,
    });
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(await deps.deliveries.read(id)).toMatchObject({ state: 'failed', lastStatusCode: 410 });
    expect(await deps.endpoints.read(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });
    expect(await deadLetters()).toMatchObject([{ deliveryId: id, attempts: 3, error: 'receiver answered 410 Gone', tenantId: TENANT }]);
  });

  it('a success: logged, record succeeded', async () => {
    const { deps, ctx, id } = await setup();
    expect(await recordSuccess(deps, ctx, { kind: 'delivered', response: response(204) })).toEqual({ state: 'succeeded', status: 204, ms: 12, attempt: 1 });
    expect(await deps.deliveries.read(id)).toMatchObject({ state: 'succeeded', lastStatusCode: 204, lastError: null });
    expect(await readDeliveryLog(deps.deliveries, ctx.delivery.tenantId, ctx.delivery.event.data.id)).toMatchObject([{ statusCode: 204, error: null }]);
  });

  it('a skipped attempt closes its record as the gate said', async () => {
    const { deps, ctx, id } = await setup();
    const outcome = await recordSkip(deps, ctx, { send: false, why: 'endpoint-disabled', state: 'cancelled', record: ctx.record, reason: 'endpoint disabled' });
    expect(outcome).toEqual({ state: 'cancelled', status: null, ms: 0, attempt: 1 });
    expect(await deps.deliveries.read(id)).toMatchObject({ state: 'cancelled', lastError: 'endpoint disabled' });
  });

  it('an error of ours on the last attempt fails the record and dead-letters it', async () => {
    const { deps, ctx, id, deadLetters } = await setup(3);
    await recordDispatcherError(deps, ctx, new Error('Redis went away'));
    expect(await deps.deliveries.read(id)).toMatchObject({ state: 'failed', lastError: 'dispatcher error: Redis went away' });
    expect(await deadLetters()).toMatchObject([{ deliveryId: id, error: 'dispatcher error: Redis went away' }]);
  });

  it('reads the delivery log by parsing each line, tolerating fields it does not know', async () => {
    const { deps, redis } = await setup();
    const line = { attempt: 1, at: 'now', url: URL, status: 200, ms: 3, excerpt: null, error: null, addedLater: 'x' };
    await redis.lpush(redisKeys(deps.prefix).webhookDeliveries.attemptLog('job_x'), JSON.stringify(line));
    expect(await readDeliveryLog(deps.deliveries, 'acme', 'job_x')).toEqual([
      {
        object: 'webhook_attempt',
        deliveryId: null,
        endpointId: null,
        attempt: 1,
        at: 'now',
        url: URL,
        statusCode: 200,
        latencyMs: 3,
        responseExcerpt: null,
        error: null,
      },
    ]);
    await redis.lpush(redisKeys(deps.prefix).webhookDeliveries.attemptLog('job_y'), JSON.stringify({ attempt: 'one' }));
    await expect(readDeliveryLog(deps.deliveries, 'acme', 'job_y')).rejects.toMatchObject({ code: 'internal_error' });
  });
});
