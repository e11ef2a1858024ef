import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QUEUE_NAMES, createRedisConnection } from '@voxq/queues';
import { S3ObjectStore, tenantPrefix } from '@voxq/storage';
import { cleanupPrefix, startStack, testConfig, type TestStack } from '@voxq/testing';
import type { RedisClient } from '@voxq/redis-keys';
import type { Fixtures } from './bad-input-surfaces.fixture';
import { msg, PUBLIC_HOOK, multipart, wav, jsonl, SURFACE_CASES_ENV } from './bad-input-surfaces.fixture';
import { jobsCases, uploadCases, dropCases, webhookCases } from './bad-input-voxq.cases';
import { spekoCases, openAiCases, batchCases, catalogCases } from './bad-input-wire.cases';
import { encodingCases } from './bad-input-encoding.cases';

/**
 * Hostile and malformed requests against every surface but `POST /v1/jobs` (that one is
 * `bad-input.int.spec.ts`): each must be a 4xx in its surface's envelope and leave every
 * queue, the tenants' job indexes and their bucket folders exactly as they were. The stack
 * refuses private networks and plain http, as production does.
 */

const cases = [...jobsCases, ...uploadCases, ...dropCases, ...webhookCases, ...spekoCases, ...openAiCases, ...batchCases, ...catalogCases, ...encodingCases];

/** The OpenAI-style surfaces answer in OpenAI's envelope (key order as OpenAI sends it). */
const OPENAI_PATH = /^\/v1\/(chat|audio|embeddings|images|files|batches)\b/;
/** Speko's one-shot routes answer in Speko's `{error: "<message>", code: "<CODE>"}` (401s included: it is the path's surface). */
const SPEKO_PATH = /^\/v1\/(transcribe|synthesize|complete)$/;

/** The error's fields whichever surface's body carries them (Speko's code is voxq's, upper-cased). */
function errorOf(path: string, status: number, body: Record<string, unknown>) {
  if (SPEKO_PATH.test(path)) {
    expect(Object.keys(body)).toEqual(['error', 'code', 'type', 'param']);
    return { type: body.type, code: String(body.code).toLowerCase(), message: body.error, param: body.param };
  }
  expect(Object.keys(body)).toEqual(['error']);
  const error = body.error as Record<string, unknown>;
  // Authentication runs before any router, so a 401 is voxq's envelope on the OpenAI routes.
  const openAi = OPENAI_PATH.test(path) && status !== 401;
  expect(Object.keys(error)).toEqual(openAi ? ['message', 'type', 'param', 'code'] : ['type', 'code', 'message', 'param']);
  return error;
}

describe('bad input on every surface', () => {
  let stack: TestStack;
  let redis: RedisClient;
  let objects: S3ObjectStore;
  let queues: Queue[];
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };
  const f = {} as Fixtures;

  beforeAll(async () => {
    stack = await startStack(
      testConfig({
        ...SURFACE_CASES_ENV,
        // One-shot calls answer 202 at once: nothing runs the jobs here.
        API_SYNC_WAIT_MS: '0',
      }),
      { worker: false, dispatcher: false },
    );
    redis = createRedisConnection(stack.config.redis);
    objects = new S3ObjectStore(stack.config.s3);
    const prefix = bullPrefix(stack.config.redis.prefix);
    queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: redis, prefix }));
    const run = randomUUID().slice(0, 8);
    f.tenantA = `bad-a-${run}`;
    f.tenantB = `bad-b-${run}`;
    f.bucket = objects.bucket;
    keys.a = (await stack.createKey(f.tenantA)).apiKey;
    keys.b = (await stack.createKey(f.tenantB)).apiKey;

    const ok = async (key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await stack.request(key, method, path, body, headers);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body as Record<string, unknown> & { id: string };
    };
    f.jobA = (await ok(keys.a, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })).id;
    f.cancelledJobA = (await ok(keys.a, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: PUBLIC_HOOK } })).id;
    await ok(keys.a, 'DELETE', `/v1/jobs/${f.cancelledJobA}`);
    const deliveries = await ok(keys.a, 'GET', `/v1/webhook-deliveries?jobId=${f.cancelledJobA}`);
    f.deliveryA = (deliveries.data as { id: string }[])[0]!.id;
    const upload = await ok(keys.a, 'POST', '/v1/uploads', wav, { 'content-type': 'audio/wav' });
    f.uploadA = upload.id;
    f.uploadKeyA = `${tenantPrefix(f.tenantA)}uploads/${upload.id}`;
    f.endpointA = (await ok(keys.a, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    f.endpointB = (await ok(keys.b, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    const form = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'file', value: jsonl, filename: 'in.jsonl' },
    ]);
    f.fileA = (await ok(keys.a, 'POST', '/v1/files', form.body, form.headers)).id;
    f.batchA = (await ok(keys.a, 'POST', '/v1/batches', { input_file_id: f.fileA, endpoint: '/v1/chat/completions' })).id;
    f.dropRuleA = (
      await ok(keys.a, 'POST', '/v1/drop-rules', { prefix: `tenants/${f.tenantA}/in/`, outputPrefix: `tenants/${f.tenantA}/out/`, type: 'transcribe' })
    ).id;
    await ok(keys.b, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } }, { 'idempotency-key': 'idem-b' });
  });

  afterAll(async () => {
    await Promise.all((queues ?? []).map((q) => q.close()));
    await stack?.close();
    redis?.disconnect();
    objects?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  const listAll = async (tenant: string) => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await objects.list({ prefix: tenantPrefix(tenant) }, token);
      found.push(...page.objects.map((o) => `${o.key}:${o.size}`));
      token = page.next;
    } while (token);
    return found.sort();
  };

  /** Every queue's counts, both tenants' job indexes and bucket folders. */
  const snapshot = async () => ({
    queues: Object.fromEntries(await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const))),
    index: {
      a: await redis.zcard(`${stack.config.redis.prefix}:tenant:${f.tenantA}:jobs`),
      b: await redis.zcard(`${stack.config.redis.prefix}:tenant:${f.tenantB}:jobs`),
    },
    objects: { a: await listAll(f.tenantA), b: await listAll(f.tenantB) },
  });

  it('has a case for every kind of surface', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)('$name → $status, in its envelope, nothing queued or stored', async (c) => {
    const path = typeof c.path === 'function' ? c.path(f) : c.path;
    const body = c.bodyOf ? c.bodyOf(f) : c.body;
    const key = c.as === 'none' ? null : c.as === 'bogus' ? `vq_${'0'.repeat(40)}` : keys[c.as ?? 'b'];
    const before = await snapshot();
    const res = await stack.request(key, c.method ?? 'POST', path, body, c.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    const error = errorOf(path, c.status, res.body);
    expect(error).toEqual({
      type: expect.any(String),
      code: expect.any(String),
      message: expect.any(String),
      param: expect.toSatisfy((p) => p === null || typeof p === 'string'),
    });
    if (c.code) expect(error.code).toBe(c.code);
    if (c.param) expect(error.param).toBe(c.param);
    if (c.message) expect(error.message).toMatch(c.message);
    if (c.status === 404) expect(error.type).toBe('not_found_error');
    expect(await snapshot()).toEqual(before);
  });

  it("leaves tenant A's things as they were", async () => {
    expect((await stack.request(keys.a, 'GET', `/v1/jobs/${f.jobA}`)).body.status).toBe('queued');
    expect((await stack.request(keys.a, 'GET', `/v1/uploads/${f.uploadA}`)).status).toBe(200);
    expect((await stack.request(keys.a, 'GET', `/v1/webhooks/${f.endpointA}`)).body.enabled).toBe(true);
    expect((await stack.request(keys.a, 'GET', `/v1/files/${f.fileA}`)).status).toBe(200);
    expect((await stack.request(keys.a, 'GET', `/v1/batches/${f.batchA}`)).body.status).not.toBe('cancelling');
    expect((await stack.request(keys.a, 'GET', `/v1/drop-rules/${f.dropRuleA}`)).status).toBe(200);
  });

  it("ignores an S3 event naming another tenant's object", async () => {
    const before = await snapshot();
    const res = await stack.request(keys.b, 'POST', '/v1/s3-events', {
      Records: [
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: f.bucket }, object: { key: encodeURIComponent(`tenants/${f.tenantA}/in/a.wav`), size: 10 } } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 1, submitted: 0, ignored: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it('answers a request whose headers are too large with 431 from Node', async () => {
    const before = await snapshot();
    const res = await fetch(`${stack.url}/v1/jobs`, { headers: { authorization: `Bearer ${keys.b}`, 'x-pad': 'x'.repeat(64 * 1024) } });
    expect(res.status).toBe(431);
    await res.arrayBuffer();
    expect(await snapshot()).toEqual(before);
  });
});
