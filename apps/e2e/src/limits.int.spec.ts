import OpenAI, { APIError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobService, type Submission } from '@voxq/intake';
import { ApiKeyStore, UsageAllowance, type KeyRateLimit } from '@voxq/auth';
import { jobRequestSchema } from '@voxq/contracts';
import { type Queues, createRedisConnection } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { startSimulatedStack, type SimulatedStack, type TestResponse, testQueues } from '@voxq/testing';
import type { RedisClient } from '@voxq/redis-keys';

const completeJob = (content = 'Hello') => ({ type: 'complete', input: { messages: [{ role: 'user', content }] } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fires `n` requests at once, so a 1/s key certainly goes over whatever the window's phase. */
const burst = (n: number, send: () => Promise<TestResponse>) => Promise.all(Array.from({ length: n }, send));

describe('per-API-key rate limits', () => {
  let stack: SimulatedStack;
  let redis: RedisClient;
  let keys: ApiKeyStore;
  /** A key of its own with the given limit (created before its first use, so no cache is stale). */
  const keyWith = async (tenant: string, rateLimit?: KeyRateLimit) => (await keys.create(tenant, 'test', rateLimit ? { rateLimit } : {})).apiKey;

  beforeAll(async () => {
    // The defaults a deployment ships with (50/s, burst 100 per 10 s); tests lower one key's own.
    stack = await startSimulatedStack();
    redis = createRedisConnection(stack.config.redis);
    keys = new ApiKeyStore(redis, stack.config.redis.prefix);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("answers 429 with Retry-After and the envelope over a key's limit; the tenant's other keys go on; after waiting it passes", async () => {
    const limited = await keyWith('rl-acme', { perSecond: 1, burst: 0 });
    const other = await keyWith('rl-acme');

    const answers = await burst(5, () => stack.request(limited, 'GET', '/v1/jobs'));
    for (const res of answers) {
      expect(res.headers.get('x-ratelimit-limit')).toBe('1');
      expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused).toBeDefined();
    expect(refused.body).toEqual({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: expect.stringContaining('1 requests per second'), param: null },
    });
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');

    const neighbour = await stack.request(other, 'GET', '/v1/jobs');
    expect(neighbour.status).toBe(200);
    expect(neighbour.headers.get('x-ratelimit-limit')).toBe('50');

    await sleep(Number(refused.headers.get('retry-after')) * 1000);
    expect((await stack.request(limited, 'GET', '/v1/jobs')).status).toBe(200);
  });

  it('lets a key spend its burst above its rate, then refuses', async () => {
    const bursty = await keyWith('rl-burst', { perSecond: 1, burst: 3 });
    const answers = await burst(8, () => stack.request(bursty, 'GET', '/v1/jobs'));
    // 1 from the rate (2 if the burst straddles a second) plus 3 from the burst.
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
  });

  it('limits job submissions too, and queues nothing for a refused one', async () => {
    const limited = await keyWith('rl-submit', { perSecond: 1, burst: 0 });
    const answers = await burst(4, () => stack.request(limited, 'POST', '/v1/jobs', completeJob()));
    const accepted = answers.filter((r) => r.status === 202).length;
    expect(answers.filter((r) => r.status === 429).length).toBe(4 - accepted);
    await sleep(1_000 * Number(answers.find((r) => r.status === 429)!.headers.get('retry-after')));
    const list = await stack.request(limited, 'GET', '/v1/jobs');
    expect(list.body.data).toHaveLength(accepted);
  });

  it('leaves unlimited keys (rate 0) and the health probes alone', async () => {
    const unlimited = await keyWith('rl-free', { perSecond: 0 });
    const answers = await burst(10, () => stack.request(unlimited, 'GET', '/v1/jobs'));
    expect(answers.every((r) => r.status === 200 && !r.headers.has('x-ratelimit-limit'))).toBe(true);
    const probes = await burst(10, () => stack.request(null, 'GET', '/healthz'));
    expect(probes.every((r) => r.status === 200 && !r.headers.has('x-ratelimit-limit'))).toBe(true);
    expect((await stack.request(null, 'GET', '/readyz')).status).toBe(200);
  });

  it('answers the OpenAI routes in the OpenAI envelope, so the SDK raises RateLimitError', async () => {
    const limited = await keyWith('rl-openai', { perSecond: 1, burst: 0 });
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: limited, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const settled = await Promise.allSettled([ask(), ask(), ask(), ask()]);
    expect(settled.some((s) => s.status === 'fulfilled')).toBe(true);
    const error = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')!.reason as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'rate_limit_error', param: null });
    expect(error.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it('shows the key its own limit on GET /v1/usage', async () => {
    const own = await keyWith('rl-usage', { perSecond: 7 });
    const res = await stack.request(own, 'GET', '/v1/usage');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'usage', jobs: 0, allowance: null, remaining: null, rateLimit: { perSecond: 7, burst: 100 } });
  });
});

describe('per-tenant monthly job allowances', () => {
  let stack: SimulatedStack;
  let redis: RedisClient;
  let queues: Queues;
  let allowance: UsageAllowance;

  beforeAll(async () => {
    // No worker: every accepted job stays queued, so queue counts show exactly what was queued.
    stack = await startSimulatedStack({ TENANT_MONTHLY_JOB_ALLOWANCE: '3' }, { worker: false });
    redis = createRedisConnection(stack.config.redis);
    queues = await testQueues(redis, stack.config);
    allowance = new UsageAllowance(redis, stack.config.redis.prefix, stack.config.limits.monthlyJobAllowance);
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await stack?.close();
  });

  const queued = async () => {
    const perShard = await Promise.all(queues.everyShard('complete').map((q) => q.getJobCounts('waiting', 'prioritized', 'delayed', 'active')));
    const sum: Record<string, number> = {};
    for (const counts of perShard) for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
    return sum;
  };
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  it('refuses POST /v1/jobs with 402 once the month is spent; idempotent replays are free', async () => {
    const { apiKey } = await stack.createKey('al-single');
    const first = await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('one'), { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    for (const content of ['two', 'three']) expect((await stack.request(apiKey, 'POST', '/v1/jobs', completeJob(content))).status).toBe(202);

    const before = total(await queued());
    const refused = await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('four'));
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'allowance_exhausted', type: 'permission_error', param: null });
    expect(refused.body.error!.message).toContain('0 of 3 jobs left');
    expect(total(await queued())).toBe(before);

    // The same Idempotency-Key returns the job it made, at no charge, even with nothing left.
    const replay = await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('one'), { 'idempotency-key': 'k-1' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);

    const usage = await stack.request(apiKey, 'GET', '/v1/usage');
    expect(usage.body).toMatchObject({ period: expect.stringMatching(/^\d{4}-\d{2}$/), jobs: 3, allowance: 3, remaining: 0 });
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data).toHaveLength(3);
  });

  it('charges a job refused for want of allowance once, when its key is used again after a top-up', async () => {
    const { apiKey } = await stack.createKey('al-topup');
    await allowance.setAllowance('al-topup', 1);
    expect((await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('first'))).status).toBe(202);
    const headers = { 'idempotency-key': 'topup-1' };
    expect((await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('second'), headers)).status).toBe(402);
    await allowance.setAllowance('al-topup', 2);
    const retried = await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('second'), headers);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect((await allowance.usage('al-topup')).jobs).toBe(2);
  });

  it('refuses a whole POST /v1/jobs:batch the allowance cannot cover, queueing none of it', async () => {
    const { apiKey } = await stack.createKey('al-batch');
    expect(await allowance.setAllowance('al-batch', 5)).toBe(true);
    const batch = (n: number, tag: string) => ({ jobs: Array.from({ length: n }, (_, i) => completeJob(`${tag}-${i}`)) });

    expect((await stack.request(apiKey, 'POST', '/v1/jobs:batch', batch(3, 'a'))).status).toBe(202);
    const before = total(await queued());
    const refused = await stack.request(apiKey, 'POST', '/v1/jobs:batch', batch(3, 'b'));
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'allowance_exhausted', message: expect.stringContaining('2 of 5 jobs left') });
    expect(total(await queued())).toBe(before);
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data).toHaveLength(3);

    // Exactly what is left fits; a replayed batch is free.
    const fits = await stack.request(apiKey, 'POST', '/v1/jobs:batch', batch(2, 'c'), { 'idempotency-key': 'b-1' });
    expect(fits.status).toBe(202);
    expect((await stack.request(apiKey, 'POST', '/v1/jobs:batch', batch(2, 'c'), { 'idempotency-key': 'b-1' })).status).toBe(202);
    expect(total(await queued())).toBe(before + 2);
    expect((await allowance.usage('al-batch')).jobs).toBe(5);
  });

  it('charges concurrent requests atomically: exactly the allowance gets through', async () => {
    const { apiKey } = await stack.createKey('al-race');
    const answers = await burst(10, () => stack.request(apiKey, 'POST', '/v1/jobs', completeJob()));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(3);
    expect(answers.filter((r) => r.status === 402)).toHaveLength(7);
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data).toHaveLength(3);
  });

  it('answers the OpenAI chat route with 402, which the SDK raises as an APIError', async () => {
    const { apiKey } = await stack.createKey('al-openai');
    await allowance.setAllowance('al-openai', 1);
    expect((await stack.request(apiKey, 'POST', '/v1/jobs', completeJob())).status).toBe(202);
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 402, code: 'allowance_exhausted' });
  });

  it("lets a tenant's own allowance lift the default (0 = unlimited)", async () => {
    const { apiKey } = await stack.createKey('al-unlimited');
    await allowance.setAllowance('al-unlimited', 0);
    const answers = await burst(5, () => stack.request(apiKey, 'POST', '/v1/jobs', completeJob()));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    expect((await stack.request(apiKey, 'GET', '/v1/usage')).body).toMatchObject({ jobs: 5, allowance: null, remaining: null });
  });

  it('does not charge again jobs submitted with `charged: true` (a batch that charged at validation)', async () => {
    const { config } = stack;
    await stack.createKey('al-charged');
    const objects = createObjectStore(config);
    const jobs = createJobService(config, redis, queues, objects);
    const principal = { tenantId: 'al-charged', keyId: 'key_test' };
    const submission = (content: string) => jobRequestSchema.parse(completeJob(content)) as Submission;
    try {
      await allowance.charge('al-charged', 3);
      const submitted = await jobs.submitMany(principal, [submission('x'), submission('y')], undefined, { charged: true });
      expect(submitted).toHaveLength(2);
      expect((await allowance.usage('al-charged')).jobs).toBe(3);
      await expect(jobs.submit(principal, submission('z'))).rejects.toMatchObject({ status: 402 });
    } finally {
      objects.close();
    }
  });
});
