import { Queue, QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupPrefix, eventually, testConfig, testQueues } from '@voxq/testing';
import type { InvalidJobDataError } from './invalid-job-data-error';
import { QUEUE_CATALOG } from './queue-catalog';
import { bullPrefix } from './queue-names';
import { startQueueWorker } from './queue-worker';
import { createRedisConnection } from '@voxq/process';

describe('startQueueWorker', () => {
  const config = testConfig();
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await cleanupPrefix(config);
  });

  async function setup() {
    const connection = createRedisConnection(config.redis);
    const queues = await testQueues(connection, config);
    const handled: unknown[] = [];
    const invalid: InvalidJobDataError[] = [];
    const worker = startQueueWorker(
      QUEUE_CATALOG.batches,
      {
        connection: createRedisConnection(config.redis),
        prefix: bullPrefix(config.redis.prefix),
        concurrency: 1,
        onInvalid: (_job, error) => void invalid.push(error),
      },
      async (job) => {
        handled.push({ name: job.name, data: job.data });
        return job.name === 'run' ? job.data.batchId : job.data.fileId;
      },
    );
    worker.on('error', () => undefined); // Closing races a blocking read; nothing to assert.
    closers.push(async () => (await worker.close(), await queues.close(), connection.disconnect()));
    return { queues, handled, invalid, worker };
  }

  it('hands the handler parsed data, and enqueue is typed by the catalog', async () => {
    const { queues, handled } = await setup();
    await queues.enqueue('batches', { job: 'run', payload: { tenantId: 'acme', batchId: 'batch_1' }, options: { jobId: 'run.batch_1' } });
    // @ts-expect-error: a `run` step has no fileId.
    const wrongPayload = () => queues.enqueue('batches', { job: 'run', payload: { tenantId: 'acme', fileId: 'f' } });
    // @ts-expect-error: the batches queue has no such job.
    const wrongName = () => queues.enqueue('batches', { job: 'validate', payload: { tenantId: 'acme', batchId: 'b' } });
    expect([wrongPayload, wrongName]).toHaveLength(2);
    await eventually(() => (handled.length === 1 ? true : undefined), 10_000, 'job handled');
    expect(handled).toEqual([{ name: 'run', data: { tenantId: 'acme', batchId: 'batch_1' } }]);
  });

  it('fails a malformed payload put straight on the queue, at once and with the reason', async () => {
    const { handled, invalid } = await setup();
    // Not through `enqueue`: what another program (or an older, broken version) could write.
    const raw = new Queue(QUEUE_CATALOG.batches.name, { connection: createRedisConnection(config.redis), prefix: bullPrefix(config.redis.prefix) });
    const events = new QueueEvents(QUEUE_CATALOG.batches.name, {
      connection: createRedisConnection(config.redis),
      prefix: bullPrefix(config.redis.prefix),
      // From the stream's start (this test's prefix is new): ready is not yet reading, and from
      // '$' a failure written before its first read is missed (it timed out once on a cluster).
      lastEventId: '0-0',
    });
    closers.push(async () => (await raw.close(), await events.close()));
    await events.waitUntilReady();
    const job = await raw.add('expire-file', { tenantId: 'acme', fileId: 42 }, { attempts: 5 });
    const failed = await job.waitUntilFinished(events, 10_000).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failed).toBe('invalid job data for batches/expire-file: fileId: Invalid input: expected string, received number');
    const stored = (await raw.getJob(job.id!))!;
    expect(stored.attemptsMade).toBe(1); // Unrecoverable: none of the 5 attempts was retried.
    expect(await stored.getState()).toBe('failed');
    expect(invalid.map((e) => e.detail)).toEqual(['fileId: Invalid input: expected string, received number']);
    expect(handled).toEqual([]);
  });

  it('uses the catalog defaults for each queue', async () => {
    const connection = createRedisConnection(config.redis);
    const queues = await testQueues(connection, config);
    closers.push(async () => (await queues.close(), connection.disconnect()));
    expect(queues.batches.defaultJobOptions).toMatchObject(QUEUE_CATALOG.batches.defaults(config));
    expect(queues.queue('webhooks')).toBe(queues.webhooks);
    expect(queues.everyShard('complete')).toHaveLength(config.redis.shards);
  });
});
