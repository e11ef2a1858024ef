import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore, newJobId } from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createProviderRuntime, createSpeechTranscoder, ProviderRouter, Semaphore } from '@voxq/providers';
import { bullPrefix, catalogProcessor, QUEUE_CATALOG, QUEUE_NAMES, type QueuedJob, createRedisConnection } from '@voxq/queues';
import { webhookQueueContext } from '@voxq/webhooks';
import { startSimulator, type Simulator } from '@voxq/simulator';
import { UsageMeter } from '@voxq/usage';
import { createObjectStore } from '@voxq/storage';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { createJobProcessor as createBareProcessor, type ProcessorDeps } from './job-processor';
import { ToolDispatch } from './tool-dispatch';
import { ToolLoopStore } from '@voxq/job-kinds';

/**
 * The processor against real Redis and the simulator, driven with BullMQ jobs read back from
 * a queue: what a worker does when a job is re-run after a crash, or its payload is bad.
 */
describe('job processor', () => {
  let sim: Simulator;
  let redis: RedisClient;
  let deps: ProcessorDeps;
  let queue: Queue;
  const config = testConfig();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    const cfg = testConfig({ OPENAI_API_KEY: 'sk-sim', OPENAI_BASE_URL: sim.baseUrl, REDIS_PREFIX: config.redis.prefix });
    redis = createRedisConnection(cfg.redis, { maxRetriesPerRequest: null });
    const logger = createLogger({ name: 'test', level: 'silent' });
    queue = new Queue(QUEUE_NAMES.complete, { connection: redis, prefix: bullPrefix(cfg.redis.prefix) });
    const webhooks = new Queue(QUEUE_NAMES.webhooks, { connection: redis, prefix: bullPrefix(cfg.redis.prefix) });
    deps = {
      store: new JobStore(redis, KeyShards.for(cfg.redis), 60),
      meter: new UsageMeter(KeyShards.for(cfg.redis)),
      storage: {
        objects: createObjectStore(cfg),
        audioLimitBytes: cfg.api.audioLimitBytes,
        presignTtlSeconds: 60,
        transcoder: createSpeechTranscoder({ limiter: new Semaphore(1) }),
      },
      router: new ProviderRouter({
        runtime: createProviderRuntime(cfg, redis, logger),
        redis,
        prefix: cfg.redis.prefix,
        timeoutMs: 5_000,
        attemptDeadlineMs: 30_000,
        maxCandidates: 3,
        logger,
      }),
      webhooks: webhookQueueContext(webhooks, redis, cfg.redis.prefix, 60),
      hasEndpoints: async () => false,
      tools: new ToolDispatch(
        new Queue(QUEUE_NAMES.tools, { connection: redis, prefix: bullPrefix(cfg.redis.prefix) }),
        new ToolLoopStore(redis, KeyShards.for(cfg.redis), 60),
      ),
      logger,
      running: new Map(),
    };
  });

  afterAll(async () => {
    await queue.close();
    await deps.webhooks.queue.close();
    redis.disconnect();
    await sim.close();
    await cleanupPrefix(config);
  });

  // What the worker runs: the catalog parses each job, then the processor gets it.
  const createJobProcessor = (d: ProcessorDeps) => catalogProcessor(QUEUE_CATALOG.complete, createBareProcessor(d));
  const queued = async (data: unknown): Promise<Job> => {
    const id = newJobId();
    await queue.add('complete', data, { jobId: id, attempts: 3 });
    return (await queue.getJob(id))!;
  };
  const payload = (webhook = true): QueuedJob => ({
    tenantId: 'acme',
    createdAt: new Date().toISOString(),
    payload: {
      type: 'complete',
      input: { messages: [{ role: 'user', content: 'once' }], maxToolHops: 8 },
      intent: { language: 'en', optimizeFor: 'balanced' },
      constraints: {},
      metadata: {},
      ...(webhook ? { webhook: { url: 'http://127.0.0.1:9/hook' } } : {}),
    },
  });

  it('runs a job once: a re-run after its result was stored calls no provider and queues the same event', async () => {
    const process = createJobProcessor(deps);
    const job = await queued(payload());
    expect(await process(job)).toEqual({ status: 'completed' });
    const calls = sim.requests().length;
    const first = await deps.store.read(job.id!);

    expect(await process(job)).toEqual({ status: 'skipped' });
    expect(sim.requests().length).toBe(calls);
    expect(await deps.store.read(job.id!)).toEqual(first);
    // The event's delivery job id is derived from the event: the re-run added no second one.
    const deliveries = await deps.webhooks.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(deliveries.filter((d) => d.data.event.data.id === job.id)).toHaveLength(1);
  });

  it('queues the job.cancelled event of a job cancelled while it ran, in case the canceller could not', async () => {
    const process = createJobProcessor(deps);
    const job = await queued(payload());
    sim.setLatency({ latencyMs: 300 });
    try {
      const running = process(job);
      await new Promise((r) => setTimeout(r, 100));
      // The API's status change, without its event: RedisClient failed the request right after it.
      expect((await deps.store.cancel({ id: job.id!, tenantId: 'acme', type: 'complete' })).kind).toBe('ok');
      expect(await running).toEqual({ status: 'cancelled' });
    } finally {
      sim.setLatency({ latencyMs: 0 });
    }
    const deliveries = await deps.webhooks.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    const mine = deliveries.filter((d) => d.data.event.data.id === job.id);
    expect(mine.map((d) => d.data.event.type)).toEqual(['job.cancelled']);
  });

  it('creates the record itself when the API died before writing it', async () => {
    const process = createJobProcessor(deps);
    const job = await queued(payload(false));
    expect(await deps.store.read(job.id!)).toBeNull();
    expect(await process(job)).toEqual({ status: 'completed' });
    expect(await deps.store.read(job.id!)).toMatchObject({ status: 'completed', tenantId: 'acme', attempts: 1 });
  });

  it('fails a job whose payload in Redis is not one voxq wrote, without retrying it', async () => {
    const process = createJobProcessor(deps);
    const job = await queued({ tenantId: 'acme', payload: { type: 'complete', input: 'nonsense' } });
    await expect(process(job)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('rethrows a retryable failure before the last attempt and fails the record on the last', async () => {
    const process = createJobProcessor(deps);
    const job = await queued(payload(false));
    sim.enqueueFaults([{ status: 503 }]);
    await expect(process(job)).rejects.toMatchObject({ code: 'all_providers_failed', retryable: true });
    expect((await deps.store.read(job.id!))?.status).toBe('active');

    job.attemptsMade = 2; // What BullMQ counts on the third and last attempt.
    sim.enqueueFaults([{ status: 503 }]);
    await expect(process(job)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await deps.store.read(job.id!)).toMatchObject({ status: 'failed', error: { code: 'all_providers_failed', retryable: true } });
  });
});
