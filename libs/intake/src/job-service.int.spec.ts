import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { createCommandConnection } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { cleanupPrefix, testConfig, testQueues } from '@voxq/testing';
import { jsonSubmission } from './job-request';
import { createJobService } from './job-service';

const closers: Array<() => Promise<unknown> | unknown> = [];
const configs: Config[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(configs.splice(0).map((c) => cleanupPrefix(c)));
});

/** A JobService on real Redis and S3, under a fresh prefix and tenant. */
async function setup(overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  configs.push(config);
  const redis = createCommandConnection(config.redis);
  const queues = await testQueues(redis, config);
  const objects = createObjectStore(config);
  closers.push(() => (redis.disconnect(), objects.close()));
  closers.push(() => queues.close());
  const principal: Principal = { tenantId: `tenant_${randomUUID().slice(0, 8)}`, keyId: 'key_test' };
  return { config, queues, jobs: createJobService(config, redis, queues, objects), principal };
}

const complete = (text: string) => jsonSubmission({ type: 'complete', input: { messages: [{ role: 'user', content: text }] } });
/** Inline audio of `bytes` bytes (over API_AUDIO_LIMIT_BYTES fails the submission after its charge). */
const transcribe = (bytes: number) =>
  jsonSubmission({ type: 'transcribe', input: { audio: { data: Buffer.alloc(bytes, 1).toString('base64'), contentType: 'audio/wav' } } });

describe('JobService', () => {
  it('queues a submitted job and records it as queued', async () => {
    const { jobs, queues, principal } = await setup();
    const { view, replayed } = await jobs.submit(principal, complete('hi'));
    expect(replayed).toBe(false);
    expect(await jobs.get(principal, view.id)).toEqual(expect.objectContaining({ id: view.id, type: 'complete', status: 'queued' }));
    expect(await queues.forJob('complete', view.id).getJobState(view.id)).toBe('waiting');
  });

  it('returns the first job for a repeat with the same Idempotency-Key and body, and refuses another body', async () => {
    const { jobs, principal } = await setup();
    const first = await jobs.submit(principal, complete('hi'), 'key-1');
    const again = await jobs.submit(principal, complete('hi'), 'key-1');
    expect(again).toEqual({ view: expect.objectContaining({ id: first.view.id }), replayed: true });
    await expect(jobs.submit(principal, complete('other'), 'key-1')).rejects.toMatchObject({ code: 'idempotency_key_reused', status: 409 });
  });

  it('charges new jobs to the monthly allowance, never a replay, and refuses past it with a 402', async () => {
    const { jobs, principal } = await setup({ TENANT_MONTHLY_JOB_ALLOWANCE: '2' });
    await jobs.submit(principal, complete('a'), 'key-a');
    await jobs.submit(principal, complete('a'), 'key-a');
    await jobs.submit(principal, complete('b'));
    await expect(jobs.submit(principal, complete('c'))).rejects.toMatchObject({ code: 'allowance_exhausted', status: 402 });
  });

  it('gives back the charge and the Idempotency-Key of a submission that fails before queueing', async () => {
    const { jobs, principal } = await setup({ TENANT_MONTHLY_JOB_ALLOWANCE: '1', API_AUDIO_LIMIT_BYTES: '1024' });
    await expect(jobs.submit(principal, transcribe(2048), 'key-audio')).rejects.toMatchObject({ status: 413 });
    // The key is free again (a corrected body may use it) and the allowance still has its one job.
    const { view, replayed } = await jobs.submit(principal, transcribe(512), 'key-audio');
    expect(replayed).toBe(false);
    expect(view.status).toBe('queued');
  });

  it('gives back every key of a bulk submission when one of them is refused', async () => {
    const { jobs, principal } = await setup();
    await jobs.submit(principal, complete('taken'), 'key-taken');
    await expect(jobs.submitMany(principal, [complete('x'), complete('y')], ['key-free', 'key-taken'])).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    // key-free was reserved by the refused request, then given back: another body may use it.
    expect((await jobs.submit(principal, complete('z'), 'key-free')).replayed).toBe(false);
  });
});
