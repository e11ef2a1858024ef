import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageAllowance } from '@voxq/auth';
import type { Config } from '@voxq/config';
import type { CompleteResult } from '@voxq/contracts';
import { createJobService, jsonSubmission, type JobService } from '@voxq/intake';
import type { BatchRecord } from '@voxq/contracts';
import { BatchStore, derivedFileId, JobStore, newBatchId } from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createCommandConnection } from '@voxq/queues';
import { createObjectStore, type ObjectStore } from '@voxq/storage';
import { cleanupPrefix, testConfig, onRedisCluster, testQueues } from '@voxq/testing';
import { webhookQueueContext } from '@voxq/webhooks';
import { fileKey } from './batch-files';
import { finalizeBatch, type FinalizeDeps } from './batch-finalize';
import { batchPrincipal } from './batch-state';
import { KeyShards } from '@voxq/redis-keys';

const closers: Array<() => Promise<unknown> | unknown> = [];
const configs: Config[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(configs.splice(0).map((c) => cleanupPrefix(c)));
});

const result: CompleteResult = {
  provider: 'mock',
  model: 'mock-1',
  failoverCount: 0,
  scoresRunId: null,
  timings: { queuedMs: 1, processingMs: 2, providerMs: 1 },
  text: 'hello',
  usage: { promptTokens: 1, completionTokens: 1 },
  finishReason: 'stop',
};

/**
 * An in-progress batch of two `/v1/jobs` lines: `done` completed (by the job store, as a
 * worker would), `stopped` cancelled. `jobs` reads the records over its own connection,
 * which a test may cut to play a Redis blip.
 */
async function setup() {
  const config = testConfig();
  configs.push(config);
  const redis = createCommandConnection(config.redis);
  const jobsRedis = createCommandConnection(config.redis);
  const queues = await testQueues(redis, config);
  const objects = createObjectStore(config);
  closers.push(() => (redis.disconnect(), jobsRedis.disconnect(), objects.close()));
  closers.push(() => queues.close());
  const store = new BatchStore(redis, KeyShards.for(config.redis), config.jobs.retentionSeconds);
  const jobStore = new JobStore(redis, KeyShards.for(config.redis), config.jobs.retentionSeconds);
  const jobs = createJobService(config, jobsRedis, queues, objects);
  const tenantId = `tenant_${randomUUID().slice(0, 8)}`;
  const now = Math.floor(Date.now() / 1000);
  const batch: BatchRecord = {
    id: newBatchId(),
    tenantId,
    endpoint: '/v1/jobs',
    input_file_id: 'file-unused',
    completion_window: '24h',
    status: 'in_progress',
    output_file_id: null,
    error_file_id: null,
    errors: null,
    created_at: now,
    in_progress_at: now,
    expires_at: now + 86_400,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    total: 2,
    metadata: null,
    webhook: null,
    outputExpiresAfter: null,
  };
  await store.putBatch(batch);
  const principal = batchPrincipal(batch);
  const request = jsonSubmission({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } });
  const [done, stopped] = await jobs.submitMany(principal, [request, request], [`${batch.id}:done`, `${batch.id}:stopped`], {
    batch: { id: batch.id, priority: 1 },
    charged: true,
  });
  await store.addJobs(
    tenantId,
    batch.id,
    [
      { jobId: done!.view.id, customId: 'done' },
      { jobId: stopped!.view.id, customId: 'stopped' },
    ],
    2,
  );
  const view = done!.view;
  const fields = {
    id: view.id,
    tenantId,
    type: view.type,
    createdAt: view.createdAt,
    intent: view.intent,
    constraints: view.constraints,
    metadata: view.metadata,
    webhook: null,
    batchId: batch.id,
  };
  expect((await jobStore.start(fields)).kind).toBe('started');
  expect((await jobStore.complete({ id: view.id, tenantId, type: view.type, batchId: batch.id }, result)).kind).toBe('ok');
  await jobs.cancel(principal, stopped!.view.id);

  const deps = (service: JobService): FinalizeDeps => ({
    store,
    jobs: service,
    objects,
    queues,
    webhooks: webhookQueueContext(queues.webhooks, redis, config.redis.prefix, config.jobs.retentionSeconds),
    allowance: new UsageAllowance(redis, config.redis.prefix, config.limits.monthlyJobAllowance),
    logger: createLogger({ name: 'batch-finalize-test', level: 'silent' }),
    fileRetentionSeconds: config.batches.fileRetentionSeconds,
  });
  return { config, redis, jobsRedis, store, jobStore, objects, jobs, batch, deps, doneId: view.id, stoppedId: stopped!.view.id };
}

async function linesOf(objects: ObjectStore, tenantId: string, fileId: string | null): Promise<Array<Record<string, unknown>>> {
  if (!fileId) return [];
  const { body } = await objects.getStream({ key: fileKey(tenantId, fileId) });
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('finalizeBatch', () => {
  it('writes each job to the output or error file', async () => {
    const { store, objects, jobs, batch, deps, doneId } = await setup();
    const state = (await store.readBatch(batch.tenantId, batch.id))!;
    await finalizeBatch(deps(jobs), state, 'completed');

    const saved = (await store.getBatch(batch.tenantId, batch.id))!;
    expect(saved.status).toBe('completed');
    const output = await linesOf(objects, batch.tenantId, saved.output_file_id);
    expect(output).toEqual([expect.objectContaining({ custom_id: 'done', response: expect.objectContaining({ status_code: 200, request_id: doneId }) })]);
    const failed = await linesOf(objects, batch.tenantId, saved.error_file_id);
    expect(failed).toEqual([expect.objectContaining({ custom_id: 'stopped', error: expect.objectContaining({ code: 'job_cancelled' }) })]);
  });

  it('still reports a job whose record is gone (past retention) as job_missing', async () => {
    const { config, redis, store, objects, jobs, batch, deps, stoppedId } = await setup();
    await redis.del(KeyShards.for(config.redis).keysFor(stoppedId).jobs.record(stoppedId));
    const state = (await store.readBatch(batch.tenantId, batch.id))!;
    await finalizeBatch(deps(jobs), state, 'completed');

    const saved = (await store.getBatch(batch.tenantId, batch.id))!;
    expect(saved.status).toBe('completed');
    const failed = await linesOf(objects, batch.tenantId, saved.error_file_id);
    expect(failed).toEqual([
      expect.objectContaining({ custom_id: 'stopped', error: { code: 'job_missing', message: 'The job record is gone (past retention).' } }),
    ]);
  });

  // Single Redis only: a Cluster client disconnected by hand holds its commands (tried: the test waits out its 60 s), so no blip fails them.
  it.skipIf(onRedisCluster())('throws when Redis drops while it reads the job records, writing no line, and finalizes right once Redis is back', async () => {
    const { jobsRedis, store, objects, jobs, batch, deps, doneId } = await setup();
    const state = (await store.readBatch(batch.tenantId, batch.id))!;
    // The blip: the records are there, but the connection that reads them is down.
    jobsRedis.disconnect();
    await expect(finalizeBatch(deps(jobs), state, 'completed')).rejects.toThrow();

    // Nothing final was written: the step is left for BullMQ to retry.
    const interrupted = (await store.getBatch(batch.tenantId, batch.id))!;
    expect(interrupted.status).toBe('finalizing');
    expect(interrupted.error_file_id).toBeNull();
    expect(interrupted.output_file_id).toBeNull();
    expect(await objects.head({ key: fileKey(batch.tenantId, derivedFileId(batch.id, 'error')) })).toBeNull();
    expect(await objects.head({ key: fileKey(batch.tenantId, derivedFileId(batch.id, 'output')) })).toBeNull();

    // Redis is back: the retried step writes the right files.
    await jobsRedis.connect();
    const retried = (await store.readBatch(batch.tenantId, batch.id))!;
    await finalizeBatch(deps(jobs), retried, 'completed');
    const saved = (await store.getBatch(batch.tenantId, batch.id))!;
    expect(saved.status).toBe('completed');
    expect(saved.finalCounts).toEqual({ total: 2, completed: 1, failed: 1 });
    const output = await linesOf(objects, batch.tenantId, saved.output_file_id);
    expect(output.map((l) => l['custom_id'])).toEqual(['done']);
    expect(output[0]!['response']).toEqual(expect.objectContaining({ request_id: doneId }));
    const failed = await linesOf(objects, batch.tenantId, saved.error_file_id);
    expect(failed).toEqual([expect.objectContaining({ custom_id: 'stopped', error: expect.objectContaining({ code: 'job_cancelled' }) })]);
  });
});
