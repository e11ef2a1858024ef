import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '@voxq/errors';
import { JobEventPublisher, JobStore, newJobFields, newJobId } from '@voxq/job-store';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { createLogger } from '@voxq/logging';
import { bullPrefix, parseQueuedJob, QUEUE_CATALOG, QUEUE_NAMES, type QueuedJob, createRedisConnection } from '@voxq/queues';
import { webhookQueueContext } from '@voxq/webhooks';
import { cleanupPrefix, eventually, testConfig } from '@voxq/testing';
import { UsageMeter, utcDay } from '@voxq/usage';
import { completeJob, replayFinished, settleFailure, type FinishDeps } from './job-finish';
import type { HandlerOutput } from '@voxq/job-kinds';
import { JobLifecycle } from './job-lifecycle';
import { startJobAttempt } from './job-run';
import { ToolDispatch } from './tool-dispatch';
import { ToolLoopStore } from '@voxq/job-kinds';

/** The job processor's steps one by one, against real Redis and real BullMQ jobs. */
describe('job processor units', () => {
  const config = testConfig();
  const logger = createLogger({ name: 'test', level: 'silent' });
  let redis: RedisClient;
  let subscriber: RedisClient;
  let queue: Queue;
  let deps: FinishDeps;
  let events: JobEventPublisher;

  beforeAll(async () => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    subscriber = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    const prefix = bullPrefix(config.redis.prefix);
    queue = new Queue(QUEUE_NAMES.complete, { connection: redis, prefix });
    deps = {
      store: new JobStore(redis, KeyShards.for(config.redis), 60),
      meter: new UsageMeter(KeyShards.for(config.redis)),
      webhooks: webhookQueueContext(new Queue(QUEUE_NAMES.webhooks, { connection: redis, prefix }), redis, config.redis.prefix, 60),
      hasEndpoints: async () => false,
      tools: new ToolDispatch(new Queue(QUEUE_NAMES.tools, { connection: redis, prefix }), new ToolLoopStore(redis, KeyShards.for(config.redis), 60)),
    };
    events = new JobEventPublisher(redis, KeyShards.for(config.redis));
  });

  afterAll(async () => {
    await queue.close();
    await deps.webhooks.queue.close();
    subscriber.disconnect();
    redis.disconnect();
    await cleanupPrefix(config);
  });

  const payload = (webhook: boolean, tenantId = 'acme'): QueuedJob => ({
    tenantId,
    createdAt: new Date(Date.now() - 1_000).toISOString(),
    payload: {
      type: 'complete',
      input: { messages: [{ role: 'user', content: 'hi' }], maxToolHops: 8 },
      intent: { language: 'en', optimizeFor: 'balanced' },
      constraints: {},
      metadata: {},
      ...(webhook ? { webhook: { url: 'http://127.0.0.1:9/hook' } } : {}),
    },
  });
  /** A job as the worker gets it: added, read back, parsed by the catalog. */
  const queued = async (webhook = false, attempts = 3, tenantId = 'acme') => {
    const id = newJobId();
    await queue.add('complete', payload(webhook, tenantId), { jobId: id, attempts });
    const job = parseQueuedJob(QUEUE_CATALOG.complete, (await queue.getJob(id))!) as Job<QueuedJob>;
    return { job, fields: newJobFields(id, job.data) };
  };
  const output: HandlerOutput<'complete'> = {
    result: {
      provider: 'openai',
      model: 'm',
      failoverCount: 0,
      scoresRunId: null,
      text: 'hello',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 1 },
    },
    providerMs: 5,
  };
  /** Live events of a job, as `GET /v1/jobs/:id/events` reads them. */
  const listen = async (jobId: string) => {
    const seen: Array<{ type: string }> = [];
    await subscriber.subscribe(KeyShards.for(config.redis).keysFor(jobId).channels.jobEvents(jobId));
    await deps.store.watch(jobId);
    subscriber.on('message', (_channel, message: string) => seen.push(JSON.parse(message) as { type: string }));
    return seen;
  };

  it('startJobAttempt claims a fresh job, and finds a finished one terminal', async () => {
    const { job, fields } = await queued();
    expect(await startJobAttempt(deps, job, fields)).toEqual({ kind: 'started', attempt: 1, watched: false, complete: null, toolLoop: null, missing: [] });
    await deps.store.complete(fields, { ok: true });
    expect(await startJobAttempt(deps, job, fields)).toEqual({ kind: 'terminal' });
  });

  it('completeJob stores the result with its timings and queues the event', async () => {
    const { job, fields } = await queued(true);
    await startJobAttempt(deps, job, fields);
    const lifecycle = new JobLifecycle(job.id!, 'complete', events);
    expect(await completeJob(deps, fields, job.data, output, lifecycle, logger, false)).toBe('completed');
    const record = await deps.store.read(job.id!);
    expect(record).toMatchObject({ status: 'completed', result: { text: 'hello', timings: { providerMs: 5 } } });
    expect((record?.result as { timings: { queuedMs: number } }).timings.queuedMs).toBeGreaterThanOrEqual(1_000);
    const deliveries = await deps.webhooks.queue.getJobs(['waiting', 'delayed']);
    expect(deliveries.filter((d) => d.data.event.data.id === job.id).map((d) => d.name)).toEqual(['job.completed']);
  });

  it("holds a successful provider call's event back and sends it with the result, to a watcher that came mid-attempt", async () => {
    const { job, fields } = await queued();
    await startJobAttempt(deps, job, fields); // nobody watches yet
    const seen = await listen(job.id!);
    const lifecycle = new JobLifecycle(job.id!, 'complete', events);
    lifecycle.providerListener()!({ provider: 'openai', model: 'm', ms: 5 });
    await subscriber.ping();
    await redis.ping();
    expect(seen).toEqual([]);
    expect(await completeJob(deps, fields, job.data, output, lifecycle, logger, false)).toBe('completed');
    await eventually(() => (seen.length > 0 ? true : undefined), 5_000, 'provider_attempt event');
    expect(seen).toMatchObject([{ type: 'provider_attempt', provider: 'openai', model: 'm', ms: 5 }]);
  });

  /** The tenant's usage counters for today in a job's shard (where its usage is counted), as `GET /v1/usage` reads them. */
  const usageToday = (job: { tenantId: string; id: string }) =>
    redis.hgetall(KeyShards.for(config.redis).keysFor(job.id).metering.day(job.tenantId, utcDay(new Date())));

  it('completeJob records the usage once, and a re-run of the finish records nothing more', async () => {
    const { job, fields } = await queued(false, 3, `meter-${newJobId()}`);
    await startJobAttempt(deps, job, fields);
    expect(await completeJob(deps, fields, job.data, output, new JobLifecycle(job.id!, 'complete', undefined), logger, false)).toBe('completed');
    // The worker dies after this and BullMQ re-runs the job: it finds it terminal and replays the finish, twice over.
    expect(await startJobAttempt(deps, job, fields)).toEqual({ kind: 'terminal' });
    await replayFinished(deps, fields);
    await replayFinished(deps, fields);
    expect(await usageToday(fields)).toEqual({ 'llm|openai|jobs': '1', 'llm|openai|input_tokens': '1', 'llm|openai|output_tokens': '1' });
  });

  it('the usage is counted in the step that stores the result: a result discarded (cancelled meanwhile) counts nothing', async () => {
    const { job, fields } = await queued(false, 3, `meter-${newJobId()}`);
    await startJobAttempt(deps, job, fields);
    await deps.store.cancel(fields);
    expect(await completeJob(deps, fields, job.data, output, new JobLifecycle(job.id!, 'complete', undefined), logger, false)).toBe('cancelled');
    await replayFinished(deps, fields);
    expect(await usageToday(fields)).toEqual({});
  });

  it('completeJob discards the result of a job cancelled meanwhile', async () => {
    const { job, fields } = await queued();
    await startJobAttempt(deps, job, fields);
    await deps.store.cancel(fields);
    expect(await completeJob(deps, fields, job.data, output, new JobLifecycle(job.id!, 'complete', undefined), logger, false)).toBe('cancelled');
    expect(await deps.store.read(job.id!)).toMatchObject({ status: 'cancelled' });
  });

  it('settleFailure rethrows a retryable error before the last attempt and tells the live events', async () => {
    const { job, fields } = await queued();
    await startJobAttempt(deps, job, fields);
    // Listened to once the record exists (a job with no record cannot be marked watched).
    const seen = await listen(job.id!);
    const lifecycle = new JobLifecycle(job.id!, 'complete', events);
    const error = errors.providerUnavailable('openai', 'HTTP 503');
    await expect(settleFailure(deps, job, undefined, fields, 1, error, lifecycle, logger)).rejects.toBe(error);
    expect(await deps.store.read(job.id!)).toMatchObject({ status: 'active' });
    await eventually(() => (seen.length > 0 ? true : undefined), 5_000, 'attempt_failed event');
    expect(seen).toMatchObject([{ type: 'attempt_failed', attempt: 1, error: { code: 'provider_unavailable' }, willRetry: true }]);
  });

  it('settleFailure fails the record unrecoverably for a terminal error or the last attempt', async () => {
    const terminal = await queued();
    await startJobAttempt(deps, terminal.job, terminal.fields);
    const lifecycle = new JobLifecycle(terminal.job.id!, 'complete', undefined);
    const rejected = errors.providerRejectedInput('openai', 'HTTP 400');
    await expect(settleFailure(deps, terminal.job, undefined, terminal.fields, 1, rejected, lifecycle, logger)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await deps.store.read(terminal.job.id!)).toMatchObject({ status: 'failed', error: { code: 'provider_rejected_input', retryable: false } });

    const last = await queued(false, 2);
    await startJobAttempt(deps, last.job, last.fields);
    last.job.attemptsMade = 1; // What BullMQ counts on the second and last attempt.
    const unavailable = errors.providerUnavailable('openai', 'HTTP 503');
    await expect(settleFailure(deps, last.job, undefined, last.fields, 2, unavailable, lifecycle, logger)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await deps.store.read(last.job.id!)).toMatchObject({ status: 'failed', error: { code: 'provider_unavailable', retryable: true } });
  });

  it('settleFailure without a lock token treats providers_busy as a retryable failure', async () => {
    const { job, fields } = await queued();
    await startJobAttempt(deps, job, fields);
    const busy = errors.providersBusy('all cooling down', Date.now() + 60_000);
    await expect(settleFailure(deps, job, undefined, fields, 1, busy, new JobLifecycle(job.id!, 'complete', undefined), logger)).rejects.toBe(busy);
  });
});
