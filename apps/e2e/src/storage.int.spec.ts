import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore, tenantPrefix, type S3ObjectStore } from '@voxq/storage';
import { startSimulatedStack, type SimulatedStack, installationKeys } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

/**
 * Job audio in S3: synthesize results land in the tenant's folder and stream back through
 * the API and a presigned URL; transcribe audio goes to S3, never to Redis; one tenant
 * cannot read another's result.
 */
describe('job audio in object storage', () => {
  let stack: SimulatedStack;
  let objects: S3ObjectStore;
  let redis: RedisClient;
  // Fresh tenants per run: their folders in the shared test bucket are this suite's alone.
  const tenant = `st-${randomUUID().slice(0, 8)}`;
  const other = `st-${randomUUID().slice(0, 8)}`;
  let apiKey: string;
  let otherKey: string;
  // The simulator's OpenAI, so results do not depend on local engines being installed.
  const viaOpenAI = { constraints: { allowedProviders: { tts: ['openai'], stt: ['openai'] } } };

  beforeAll(async () => {
    stack = await startSimulatedStack();
    objects = createObjectStore(stack.config);
    redis = createRedisConnection(stack.config.redis);
    apiKey = (await stack.createKey(tenant)).apiKey;
    otherKey = (await stack.createKey(other)).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
    objects?.close();
    redis?.disconnect();
  });

  const synthesize = async (key: string) => {
    const res = await stack.request(key, 'POST', '/v1/jobs', { type: 'synthesize', input: { text: 'Stored in the bucket.' }, ...viaOpenAI });
    expect(res.status).toBe(202);
    const job = await stack.waitForJob(key, res.body.id as string);
    expect(job.status, JSON.stringify(job.error)).toBe('completed');
    return job as typeof job & { id: string; result: { audio: Record<string, string | number> } };
  };

  it('stores synthesize audio in the tenant folder and streams it back by API and presigned URL', async () => {
    const job = await synthesize(apiKey);
    const { audio } = job.result;
    expect(audio).toMatchObject({
      url: `/v1/jobs/${job.id}/result`,
      key: expect.stringMatching(new RegExp(`^${tenantPrefix(tenant)}results/${job.id}\\.\\w+$`)),
      contentType: expect.stringMatching(/^audio\//),
      bytes: expect.any(Number),
      presignedUrl: expect.stringMatching(/^http/),
      presignedUrlExpiresAt: expect.any(String),
    });
    expect(Date.parse(audio.presignedUrlExpiresAt as string)).toBeGreaterThan(Date.now());

    const head = await objects.head({ key: audio.key as string });
    expect(head).toMatchObject({ size: audio.bytes, contentType: audio.contentType });

    const viaApi = await stack.request(apiKey, 'GET', `/v1/jobs/${job.id}/result`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.headers.get('content-type')).toBe(audio.contentType);
    expect(viaApi.raw.length).toBe(audio.bytes);
    expect(head?.sha256).toBe(createHash('sha256').update(viaApi.raw).digest('hex'));

    const direct = await fetch(audio.presignedUrl as string);
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer()).equals(viaApi.raw)).toBe(true);
  });

  it("answers 404 for another tenant's result", async () => {
    const job = await synthesize(apiKey);
    const res = await stack.request(otherKey, 'GET', `/v1/jobs/${job.id}/result`);
    expect(res.status).toBe(404);
    expect(res.raw.includes(Buffer.from('RIFF'))).toBe(false);
  });

  it('keeps transcribe audio in S3, never in Redis', async () => {
    // About 200 KB of audio: far larger than anything voxq itself keeps in Redis.
    const audio = (await stack.request(apiKey, 'GET', `/v1/jobs/${(await synthesize(apiKey)).id}/result`)).raw;
    const padded = Buffer.concat([audio, Buffer.alloc(Math.max(0, 200_000 - audio.length))]);
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', padded, {
      'content-type': 'audio/wav',
      'x-voxq-constraints': JSON.stringify(viaOpenAI.constraints),
    });
    expect(submitted.status).toBe(202);
    const job = await stack.waitForJob(apiKey, submitted.body.id as string);
    expect(job.status, JSON.stringify(job.error)).toBe('completed');

    const input = await objects.head({ key: `${tenantPrefix(tenant)}inputs/${job.id}` });
    expect(input).toMatchObject({ size: padded.length, contentType: 'audio/wav' });
    // The simulator received the very bytes the API took in.
    const sent = stack.simulator.requests().find((r) => r.path.endsWith('/audio/transcriptions'));
    expect(sent).toBeDefined();

    const keys = await installationKeys(redis, stack.config.redis);
    expect(keys.filter((k) => k.includes(':blob:'))).toEqual([]);
    for (const key of keys) {
      const type = await redis.type(key);
      const size =
        type === 'string'
          ? await redis.strlen(key)
          : type === 'hash'
            ? Math.max(0, ...(await Promise.all((await redis.hkeys(key)).map((f) => redis.hstrlen(key, f)))))
            : 0;
      expect(size, `${key} holds ${size} bytes`).toBeLessThan(100_000);
    }
  });
});
