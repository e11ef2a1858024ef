import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { createJobService } from '@voxq/intake';
import type { BatchRecord } from '@voxq/contracts';
import { BatchStore, newBatchId, newFileId, type FileRecord } from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createProviderRuntime } from '@voxq/providers';
import { createCommandConnection } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { cleanupPrefix, testConfig, testQueues } from '@voxq/testing';
import { expandBatch } from './batch-expand';
import { expireFile, fileExpiryJobId, scheduleFileExpiry } from './batch-file-expiry';
import { fileKey } from './batch-files';
import { batchPrincipal } from './batch-state';
import { validateBatch } from './batch-validate';
import { KeyShards } from '@voxq/redis-keys';

const closers: Array<() => Promise<unknown> | unknown> = [];
const configs: Config[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(configs.splice(0).map((c) => cleanupPrefix(c)));
});

const jobLine = (customId: string, text = 'hi') =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/jobs', body: { type: 'complete', input: { messages: [{ role: 'user', content: text }] } } });

/** Real Redis and S3 on a fresh prefix, and a `/v1/jobs` batch over an input file holding `lines`. */
async function setup(lines: string[]) {
  const config = testConfig();
  configs.push(config);
  const redis = createCommandConnection(config.redis);
  const queues = await testQueues(redis, config);
  const objects = createObjectStore(config);
  const logger = createLogger({ name: 'batch-units-test', level: 'silent' });
  const providers = createProviderRuntime(config, redis, logger);
  closers.push(() => (redis.disconnect(), objects.close()));
  closers.push(() => providers.close());
  closers.push(() => queues.close());
  const store = new BatchStore(redis, KeyShards.for(config.redis), config.jobs.retentionSeconds);
  const jobs = createJobService(config, redis, queues, objects);
  const tenantId = `tenant_${randomUUID().slice(0, 8)}`;
  const now = Math.floor(Date.now() / 1000);
  const fileId = newFileId();
  const stored = await objects.putBuffer(fileKey(tenantId, fileId), Buffer.from(`${lines.join('\n')}\n`), { contentType: 'application/jsonl' });
  const file: FileRecord = {
    id: fileId,
    tenantId,
    key: stored.key,
    bytes: stored.size,
    filename: 'in.jsonl',
    purpose: 'batch',
    createdAt: now,
    expiresAt: null,
  };
  await store.putFile(file);
  const batch = { id: newBatchId(), tenantId, endpoint: '/v1/jobs', input_file_id: fileId, status: 'in_progress', total: lines.length } as BatchRecord;
  return { config, store, objects, providers, jobs, queues, batch, file, maxRequests: config.batches.maxRequests };
}

async function entriesOf(store: BatchStore, batch: BatchRecord) {
  const entries: Array<{ jobId: string; customId: string }> = [];
  for await (const page of store.jobs(batch.tenantId, batch.id)) entries.push(...page);
  return entries;
}

describe('validateBatch', () => {
  it('counts the requests of a good file', async () => {
    const { batch, ...deps } = await setup([jobLine('a'), '', jobLine('b')]);
    expect(await validateBatch(deps, batch)).toEqual({ total: 2, problems: [] });
  });

  it('names each bad line by its number', async () => {
    const { batch, ...deps } = await setup([jobLine('a'), 'not json', jobLine('a')]);
    const { total, problems } = await validateBatch(deps, batch);
    expect(total).toBe(3);
    expect(problems).toEqual([
      expect.objectContaining({ code: 'invalid_json_line', line: 2 }),
      expect.objectContaining({ code: 'duplicate_custom_id', line: 3 }),
    ]);
  });

  it('refuses a file over the batch size limit', async () => {
    const { batch, ...deps } = await setup([jobLine('a'), jobLine('b'), jobLine('c')]);
    const { problems } = await validateBatch({ ...deps, maxRequests: 2 }, batch);
    expect(problems).toEqual([expect.objectContaining({ code: 'batch_too_large', line: 3 })]);
  });

  it('reports a file that is gone', async () => {
    const { batch, ...deps } = await setup([jobLine('a')]);
    await deps.store.deleteFile(batch.tenantId, batch.input_file_id);
    expect((await validateBatch(deps, batch)).problems).toEqual([expect.objectContaining({ code: 'invalid_file' })]);
  });
});

describe('expandBatch', () => {
  it('turns each line into a job labelled with its custom_id, and resumes after the lines already expanded', async () => {
    const { batch, store, jobs, ...rest } = await setup([jobLine('a'), jobLine('b'), jobLine('c')]);
    const deps = { store, jobs, ...rest };
    // A crash after the first line: the re-run starts at line 2.
    await expandBatch(deps, batch, 1);
    const entries = await entriesOf(store, batch);
    expect(entries.map((e) => e.customId)).toEqual(['b', 'c']);
    expect((await store.progress(batch.tenantId, batch.id)).expanded).toBe(3);
    const view = await jobs.get(batchPrincipal(batch), entries[0]!.jobId);
    expect(view).toEqual(expect.objectContaining({ status: 'queued', batchId: batch.id, metadata: { customId: 'b' } }));
  });

  it('submits the same jobs again on a re-run (idempotency keys per line), not new ones', async () => {
    const { batch, store, ...rest } = await setup([jobLine('a'), jobLine('b')]);
    const deps = { store, ...rest };
    await expandBatch(deps, batch, 0);
    const first = (await entriesOf(store, batch)).map((e) => e.jobId);
    await expandBatch(deps, batch, 0);
    const again = (await entriesOf(store, batch)).map((e) => e.jobId);
    expect(new Set(again)).toEqual(new Set(first));
  });
});

describe('file expiry', () => {
  it('schedules a file’s deletion and deletes its object and record', async () => {
    const { store, objects, queues, file } = await setup([jobLine('a')]);
    await scheduleFileExpiry(queues, { ...file, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    expect(await queues.batches.getJobState(fileExpiryJobId(file.id))).toBe('delayed');

    await expireFile({ store, objects }, { tenantId: file.tenantId, fileId: file.id });
    expect(await store.getFile(file.tenantId, file.id)).toBeNull();
    expect(await objects.head({ key: file.key })).toBeNull();
    // A re-run (the step crashed after deleting) finds nothing to do and does not fail.
    await expireFile({ store, objects }, { tenantId: file.tenantId, fileId: file.id });
  });
});
