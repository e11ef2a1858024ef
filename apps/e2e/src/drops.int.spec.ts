import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropPollerRuntime } from '@voxq/drops';
import { startWorkerProcess } from '@voxq/jobs';
import { createObjectStore, type S3ObjectStore } from '@voxq/storage';
import { eventually, startSimulatedStack, type SimulatedStack } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

/**
 * Bucket drops: objects put under a watched prefix become exactly one job each, found by the
 * poller and by S3 event notifications at once, and their results land in the output prefix.
 */
describe('bucket drops', () => {
  let stack: SimulatedStack;
  let objects: S3ObjectStore;
  let redis: RedisClient;
  const pollers: DropPollerRuntime[] = [];
  // The simulator's OpenAI, so results do not depend on local engines being installed.
  const viaOpenAI = { constraints: { allowedProviders: { stt: ['openai'], tts: ['openai'] } } };

  beforeAll(async () => {
    stack = await startSimulatedStack({ DROP_POLL_INTERVAL_MS: '0' });
    objects = createObjectStore(stack.config);
    redis = createRedisConnection(stack.config.redis);
  });
  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.close()));
    await stack?.close();
    objects?.close();
    redis?.disconnect();
  });

  const newTenant = async () => {
    const tenant = `dr-${randomUUID().slice(0, 8)}`;
    return { tenant, apiKey: (await stack.createKey(tenant)).apiKey };
  };
  const createRule = async (apiKey: string, tenant: string, extra: Record<string, unknown> = {}) => {
    const res = await stack.request(apiKey, 'POST', '/v1/drop-rules', {
      prefix: `tenants/${tenant}/inbox/`,
      outputPrefix: `tenants/${tenant}/out/`,
      type: 'transcribe',
      ...viaOpenAI,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; prefix: string; outputPrefix: string };
  };
  const listAll = async (prefix: string) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await objects.list({ prefix }, token);
      keys.push(...page.objects.map((o) => o.key));
      token = page.next;
    } while (token);
    return keys;
  };
  // A worker process running only its drop poller (the stack's worker runs the jobs).
  const startPoller = async (): Promise<DropPollerRuntime> => {
    const process = await startWorkerProcess(stack.config, stack.logger, { jobs: false, batches: false, drops: { intervalMs: 50 } });
    const poller: DropPollerRuntime = { poll: () => process.drops!.poll(), close: () => process.close() };
    pollers.push(poller);
    return poller;
  };
  const stopPoller = async (poller: DropPollerRuntime) => {
    await poller.close();
    pollers.splice(pollers.indexOf(poller), 1);
  };

  it("manages rules per tenant and refuses another tenant's prefix", async () => {
    const { tenant, apiKey } = await newTenant();
    const other = await newTenant();
    const rule = await createRule(apiKey, tenant);
    expect(rule.id).toMatch(/^dr_[0-9a-f]{24}$/);

    const foreign = await stack.request(apiKey, 'POST', '/v1/drop-rules', {
      prefix: `tenants/${other.tenant}/inbox/`,
      outputPrefix: `tenants/${tenant}/out/`,
      type: 'transcribe',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error!.param).toBe('prefix');
    const foreignOut = await stack.request(apiKey, 'POST', '/v1/drop-rules', {
      prefix: `tenants/${tenant}/inbox2/`,
      outputPrefix: `tenants/${other.tenant}/out/`,
      type: 'transcribe',
    });
    expect(foreignOut.status).toBe(400);
    const overlapping = await stack.request(apiKey, 'POST', '/v1/drop-rules', {
      prefix: `tenants/${tenant}/inbox/`,
      outputPrefix: `tenants/${tenant}/inbox/out/`,
      type: 'transcribe',
    });
    expect(overlapping.status).toBe(400);

    expect((await stack.request(apiKey, 'GET', `/v1/drop-rules/${rule.id}`)).body).toMatchObject({ id: rule.id, tenantId: tenant });
    expect((await stack.request(other.apiKey, 'GET', `/v1/drop-rules/${rule.id}`)).status).toBe(404);
    expect((await stack.request(other.apiKey, 'DELETE', `/v1/drop-rules/${rule.id}`)).status).toBe(404);
    expect(((await stack.request(apiKey, 'GET', '/v1/drop-rules')).body.data as unknown[]).length).toBe(1);
    expect((await stack.request(apiKey, 'DELETE', `/v1/drop-rules/${rule.id}`)).status).toBe(200);
    expect(((await stack.request(apiKey, 'GET', '/v1/drop-rules')).body.data as unknown[]).length).toBe(0);
  });

  it('makes 200 dropped files into 200 jobs and outputs, once each, across poller restarts and events', async () => {
    const { tenant, apiKey } = await newTenant();
    const rule = await createRule(apiKey, tenant, { metadata: { batch: 'b1' } });
    const COUNT = 200;
    const names = Array.from({ length: COUNT }, (_, i) => `take-${String(i).padStart(3, '0')}.mp3`);

    let poller = await startPoller();
    const started = Date.now();
    const eventPosts: Array<Promise<unknown>> = [];
    const sendEvent = (records: Array<{ key: string; etag: string }>) =>
      stack.request(apiKey, 'POST', '/v1/s3-events', {
        Records: records.map(({ key, etag }) => ({
          eventName: 's3:ObjectCreated:Put',
          // Events carry the ETag unquoted and the key URL-encoded.
          s3: { bucket: { name: objects.bucket }, object: { key: encodeURIComponent(key), size: 2000, eTag: etag.replaceAll('"', '') } },
        })),
      });

    for (let batch = 0; batch < COUNT / 20; batch++) {
      const slice = names.slice(batch * 20, batch * 20 + 20);
      const stored = await Promise.all(slice.map((name) => objects.putBuffer(`${rule.prefix}${name}`, randomBytes(2000), { contentType: 'audio/mpeg' })));
      const records = stored.map((o) => ({ key: o.key, etag: o.etag ?? '' }));
      // Every object gets an event, and every other batch a repeat of it.
      eventPosts.push(sendEvent(records));
      if (batch % 2 === 0) eventPosts.push(sendEvent(records));
      if (batch === 3 || batch === 6) {
        // A restart: the old poller goes away mid-stream and a new one starts from nothing.
        await stopPoller(poller);
        poller = await startPoller();
      }
    }
    const receipts = (await Promise.all(eventPosts)) as Array<{ status: number; body: Record<string, number> }>;
    for (const receipt of receipts) expect(receipt.status, JSON.stringify(receipt.body)).toBe(200);
    const sum = (field: string) => receipts.reduce((n, r) => n + (r.body[field] ?? 0), 0);
    // 300 records for 200 objects: every repeat (and every object the poller got first) is skipped.
    expect(sum('received')).toBe(300);
    expect(sum('duplicate') + sum('in_progress')).toBeGreaterThanOrEqual(100);
    expect(sum('failed') + sum('ignored')).toBe(0);

    const doneSuffix = '.done.json';
    const done = await eventually(
      async () => {
        const keys = (await listAll(rule.outputPrefix)).filter((k) => k.endsWith(doneSuffix));
        return keys.length >= COUNT ? keys : undefined;
      },
      120_000,
      `${COUNT} drop outputs`,
    );
    const elapsedMs = Date.now() - started;
    console.log(`[drops] ${COUNT} objects dropped to output in ${elapsedMs} ms: ${((COUNT * 1000) / elapsedMs).toFixed(1)} objects/s`);
    await stopPoller(poller);

    const outputs = await listAll(rule.outputPrefix);
    expect(done.length).toBe(COUNT);
    expect(outputs.filter((k) => k.endsWith('.error.json'))).toEqual([]);
    const results = outputs.filter((k) => !k.endsWith(doneSuffix));
    expect(results.sort()).toEqual(names.map((n) => `${rule.outputPrefix}${n}.json`).sort());

    // Exactly one job per object: list the tenant's jobs.
    const jobs: Array<{ id: string; status: string; metadata: Record<string, string> }> = [];
    let cursor: string | null = null;
    do {
      const page = await stack.request(apiKey, 'GET', `/v1/jobs?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      jobs.push(...(page.body.data as typeof jobs));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(jobs.length).toBe(COUNT);
    expect(new Set(jobs.map((j) => j.metadata.voxqDrop)).size).toBe(COUNT);
    expect(jobs.every((j) => j.status === 'completed' && j.metadata.batch === 'b1')).toBe(true);

    const sample = await objects.getBuffer({ key: `${rule.outputPrefix}${names[0]}.json` }, 1_000_000);
    const result = JSON.parse(sample.data.toString()) as Record<string, unknown> & { result: Record<string, unknown> };
    expect(result).toMatchObject({ object: 'drop_result', status: 'completed', source: { key: `${rule.prefix}${names[0]}` }, type: 'transcribe' });
    expect(result.result).toMatchObject({ provider: 'openai', text: expect.any(String), timings: expect.any(Object) });
    const doneMarker = JSON.parse((await objects.getBuffer({ key: `${rule.outputPrefix}${names[0]}${doneSuffix}` }, 100_000)).data.toString()) as Record<
      string,
      unknown
    >;
    expect(doneMarker).toMatchObject({ object: 'drop_done', outputs: [`${rule.outputPrefix}${names[0]}.json`] });
  });

  it('fails an object with a malformed manifest cleanly and keeps watching', async () => {
    const { tenant, apiKey } = await newTenant();
    const rule = await createRule(apiKey, tenant);
    await objects.putBuffer(`${rule.prefix}bad.mp3.json`, Buffer.from('{"intent": '), { contentType: 'application/json' });
    await objects.putBuffer(`${rule.prefix}bad.mp3`, randomBytes(1000), { contentType: 'audio/mpeg' });
    await objects.putBuffer(`${rule.prefix}strict.mp3.json`, Buffer.from(JSON.stringify({ nope: true })), { contentType: 'application/json' });
    await objects.putBuffer(`${rule.prefix}strict.mp3`, randomBytes(1000), { contentType: 'audio/mpeg' });
    await objects.putBuffer(`${rule.prefix}good.mp3.json`, Buffer.from(JSON.stringify({ metadata: { speaker: 'ann' } })), { contentType: 'application/json' });
    await objects.putBuffer(`${rule.prefix}good.mp3`, randomBytes(1000), { contentType: 'audio/mpeg' });

    const poller = await startPoller();
    await poller.poll();
    const error = await eventually(
      async () => {
        const got = await objects.getBuffer({ key: `${rule.outputPrefix}bad.mp3.error.json` }, 100_000).catch(() => undefined);
        return got ? (JSON.parse(got.data.toString()) as { reason: string }) : undefined;
      },
      20_000,
      'the error marker',
    );
    expect(error.reason).toMatch(/manifest .*bad\.mp3\.json is not JSON/);
    const strict = JSON.parse((await objects.getBuffer({ key: `${rule.outputPrefix}strict.mp3.error.json` }, 100_000)).data.toString()) as { reason: string };
    expect(strict.reason).toMatch(/manifest .*strict\.mp3\.json is invalid/);

    await eventually(() => objects.head({ key: `${rule.outputPrefix}good.mp3.done.json` }).then((h) => h ?? undefined), 30_000, 'the good drop');
    const jobs = (await stack.request(apiKey, 'GET', '/v1/jobs')).body.data as Array<{ metadata: Record<string, string> }>;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.metadata).toMatchObject({ speaker: 'ann', voxqDrop: `${(rule as { id: string }).id}:${rule.prefix}good.mp3` });
    // Manifests are never drops themselves, and the failed objects are not retried.
    await poller.poll();
    expect(((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data as unknown[]).length).toBe(1);
    await stopPoller(poller);
  });

  it('synthesizes a dropped text file and copies the audio to the output prefix', async () => {
    const { tenant, apiKey } = await newTenant();
    const rule = await createRule(apiKey, tenant, { type: 'synthesize' });
    await objects.putBuffer(`${rule.prefix}hello.txt`, Buffer.from('Hello from a bucket drop.'), { contentType: 'text/plain' });
    const receipt = await stack.request(apiKey, 'POST', '/v1/s3-events', {
      Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: objects.bucket }, object: { key: `${rule.prefix}hello.txt` } } }],
    });
    expect(receipt.body).toMatchObject({ received: 1, submitted: 1 });
    const done = await eventually(
      async () => {
        const got = await objects.getBuffer({ key: `${rule.outputPrefix}hello.txt.done.json` }, 100_000).catch(() => undefined);
        return got ? (JSON.parse(got.data.toString()) as { outputs: string[] }) : undefined;
      },
      30_000,
      'the synthesize output',
    );
    expect(done.outputs[0]).toBe(`${rule.outputPrefix}hello.txt.json`);
    expect(done.outputs[1]).toMatch(new RegExp(`^${rule.outputPrefix}hello\\.txt\\.\\w+$`));
    const audio = await objects.head({ key: done.outputs[1]! });
    expect(audio?.contentType).toMatch(/^audio\//);
    expect(audio!.size).toBeGreaterThan(0);
  });
});
