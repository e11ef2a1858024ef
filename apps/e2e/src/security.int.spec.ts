import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@voxq/auth';
import { S3ObjectStore } from '@voxq/storage';
import { createRedisConnection } from '@voxq/queues';
import {
  cleanupPrefix,
  eventually,
  sineWav,
  startSimulatedStack,
  startStack,
  installationKeys,
  startWebhookReceiver,
  testConfig,
  type SimulatedStack,
  type TestStack,
} from '@voxq/testing';
import type { RedisClient } from '@voxq/redis-keys';

const msg = [{ role: 'user', content: 'hi' }];

/** Every key under the prefix with its whole content, as text: what an attacker with a Redis dump sees. */
async function dumpRedis(redis: RedisClient, settings: { prefix: string; shards: number }): Promise<string> {
  const out: string[] = [];
  for (const key of await installationKeys(redis, settings)) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.getBuffer(key).then((b) => b?.toString('latin1'))
        : type === 'hash'
          ? await redis.hgetall(key)
          : type === 'set'
            ? await redis.smembers(key)
            : type === 'zset'
              ? await redis.zrange(key, 0, -1, 'WITHSCORES')
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'stream'
                  ? await redis.xrange(key, '-', '+')
                  : null;
    out.push(`${key} ${JSON.stringify(value)}`);
  }
  return out.join('\n');
}

/** A raw HTTP request, so a test can send headers or bodies fetch would refuse or buffer. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; chunks?: Buffer[] }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // The server may answer (and stop reading) before the whole body is sent.
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    const write = async () => {
      for (const chunk of options.chunks ?? []) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    };
    void write().catch(() => undefined);
  });
}

describe('security', () => {
  let stack: TestStack;
  let redis: RedisClient;
  let keys: ApiKeyStore;

  beforeAll(async () => {
    stack = await startStack(testConfig({ API_JSON_LIMIT_BYTES: '4096', API_RATE_LIMIT_PER_SECOND: '0' }), { worker: false, dispatcher: false });
    redis = createRedisConnection(stack.config.redis);
    keys = new ApiKeyStore(redis, stack.config.redis.prefix);
  });

  afterAll(async () => {
    await stack?.close();
    redis?.disconnect();
    if (stack) await cleanupPrefix(stack.config);
  });

  it('keeps API keys hashed at rest: the plaintext key is nowhere in Redis', async () => {
    const created = await keys.create('sec-hash');
    // Use it everywhere a key might be copied: a job, an idempotent replay, reads, an endpoint.
    const job = { type: 'complete', input: { messages: msg } };
    expect((await stack.request(created.apiKey, 'POST', '/v1/jobs', job, { 'idempotency-key': 'k1' })).status).toBe(202);
    expect((await stack.request(created.apiKey, 'POST', '/v1/jobs', job, { 'idempotency-key': 'k1' })).status).toBe(202);
    expect((await stack.request(created.apiKey, 'GET', '/v1/jobs')).status).toBe(200);
    expect((await stack.request(created.apiKey, 'GET', '/v1/usage')).status).toBe(200);
    expect((await stack.request(created.apiKey, 'POST', '/v1/webhooks', { url: 'https://93.184.216.34/hook' })).status).toBe(201);

    const dump = await dumpRedis(redis, stack.config.redis);
    const secretPart = created.apiKey.replace(/^vq_/, '');
    expect(dump).not.toContain(secretPart);
    expect(dump).not.toContain(Buffer.from(secretPart, 'base64url').toString('hex'));
    // What is stored is its SHA-256: the lookup still works.
    expect(dump).toContain(createHash('sha256').update(created.apiKey).digest('hex'));
  });

  it('refuses a revoked key within the 5 s key cache', async () => {
    const created = await keys.create('sec-revoke');
    expect((await stack.request(created.apiKey, 'GET', '/v1/usage')).status).toBe(200); // now cached
    expect(await keys.revoke(created.keyId)).toBe(true);
    const revokedAt = Date.now();
    const refused = await eventually(
      async () => {
        const res = await stack.request(created.apiKey, 'GET', '/v1/usage');
        return res.status === 401 ? res : undefined;
      },
      8_000,
      'the revoked key to be refused',
    );
    expect(Date.now() - revokedAt).toBeLessThan(6_000);
    expect(refused.body.error).toMatchObject({ type: 'authentication_error' });
    // Revoked means revoked: nothing it sends is taken.
    expect((await stack.request(created.apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })).status).toBe(401);
  });

  it('refuses malformed and unknown credentials alike, without saying which part is wrong', async () => {
    const known = (await keys.create('sec-creds')).apiKey;
    const variants: Array<Record<string, string>> = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${known}x` },
      { authorization: `Bearer ${known.slice(0, -1)}` },
      { authorization: `Bearer ${'x'.repeat(600)}` },
      { authorization: 'Bearer' },
      { 'x-api-key': known },
    ];
    for (const headers of variants) {
      const res = await stack.request(null, 'GET', '/v1/usage', undefined, headers);
      expect(res.status, JSON.stringify(headers).slice(0, 80)).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'authentication_error', param: null });
    }
  });

  it('sends security headers on every answer, and no X-Powered-By', async () => {
    const key = (await keys.create('sec-headers')).apiKey;
    const answers = [
      ['health', await stack.request(null, 'GET', '/healthz')],
      ['json', await stack.request(key, 'GET', '/v1/usage')],
      ['401', await stack.request(null, 'GET', '/v1/jobs')],
      ['404', await stack.request(key, 'GET', '/v1/nope')],
      ['400', await stack.request(key, 'POST', '/v1/jobs', '{', { 'content-type': 'application/json' })],
      ['openai 400', await stack.request(key, 'POST', '/v1/chat/completions', {})],
      ['202', await stack.request(key, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })],
    ] as const;
    for (const [what, res] of answers) {
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
      expect(res.headers.get('content-security-policy'), what).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by'), what).toBeNull();
      expect(res.headers.get('x-request-id'), what).toMatch(/^req_/);
      if (what !== 'health') expect(res.headers.get('cache-control'), what).toBe('no-store');
    }
  });

  it('does not echo a request id that could inject headers or markup', async () => {
    const key = (await keys.create('sec-reqid')).apiKey;
    expect((await stack.request(key, 'GET', '/v1/usage', undefined, { 'x-request-id': 'trace-1.2:3' })).headers.get('x-request-id')).toBe('trace-1.2:3');
    for (const given of ['<script>alert(1)</script>', 'a b', 'x'.repeat(200)]) {
      expect((await stack.request(key, 'GET', '/v1/usage', undefined, { 'x-request-id': given })).headers.get('x-request-id')).toMatch(/^req_/);
    }
  });

  it('limits headers: 431 past Node’s 16 KiB, while ordinary large headers pass', async () => {
    const key = (await keys.create('sec-431')).apiKey;
    const ok = await rawRequest(`${stack.url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}`, 'x-pad': 'x'.repeat(8 * 1024) } });
    expect(ok.status).toBe(200);
    const big = await rawRequest(`${stack.url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}`, 'x-pad': 'x'.repeat(20 * 1024) } });
    expect(big.status).toBe(431);
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-h${i}`, 'y'.repeat(50)]));
    expect((await rawRequest(`${stack.url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}`, ...many } })).status).toBe(431);
  });

  describe('limits bodies whatever their framing', () => {
    const headersFor = async (tenant: string) => ({ authorization: `Bearer ${(await keys.create(tenant)).apiKey}`, 'content-type': 'application/json' });

    it('refuses a declared length over the limit without buffering the body', { timeout: 15_000 }, async () => {
      // body-parser reads a refused body to its end (keeping the connection usable) before it
      // answers, so the client sends it all; none of it is buffered. server.requestTimeout bounds
      // a client that never finishes.
      const res = await rawRequest(`${stack.url}/v1/jobs`, {
        headers: { ...(await headersFor('sec-413a')), 'content-length': String(256 * 1024) },
        chunks: Array.from({ length: 256 }, () => Buffer.alloc(1024, 0x20)),
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.message).toMatch(/larger than the limit of 4096 bytes/);
    });

    it('counts a chunked body and stops at the limit', { timeout: 15_000 }, async () => {
      const chunk = Buffer.from(`{"type":"complete","input":{"messages":[{"role":"user","content":"${'x'.repeat(1000)}`);
      const res = await rawRequest(`${stack.url}/v1/jobs`, {
        headers: { ...(await headersFor('sec-413b')), 'transfer-encoding': 'chunked' },
        chunks: [chunk, ...Array.from({ length: 20 }, () => Buffer.alloc(1000, 0x78))],
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error).toMatchObject({ code: 'payload_too_large' });
      expect(await redis.zcard(`${stack.config.redis.prefix}:tenant:sec-413b:jobs`)).toBe(0);
    });

    it('stops a chunked upload past UPLOAD_MAX_BYTES', { timeout: 30_000 }, async () => {
      const small = await startStack(testConfig({ UPLOAD_MAX_BYTES: '4096', API_RATE_LIMIT_PER_SECOND: '0' }), { worker: false, dispatcher: false });
      try {
        const smallKey = (await small.createKey('sec-413c')).apiKey;
        const res = await rawRequest(`${small.url}/v1/uploads`, {
          headers: { authorization: `Bearer ${smallKey}`, 'content-type': 'audio/wav', 'transfer-encoding': 'chunked' },
          chunks: [sineWav(0.05), sineWav(0.05), sineWav(0.05)],
        });
        expect(res.status).toBe(413);
      } finally {
        await small.close();
        await cleanupPrefix(small.config);
      }
    });
  });

  it('bounds S3 calls: a store that never answers fails the call instead of hanging it', { timeout: 60_000 }, async () => {
    // Accepts connections and never answers, like a wedged load balancer.
    const sockets = new Set<Socket>();
    const blackHole: Server = createServer((socket) => void sockets.add(socket.on('error', () => undefined)));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const { port } = blackHole.address() as { port: number };
    const store = new S3ObjectStore({ ...stack.config.s3, endpoint: `http://127.0.0.1:${port}`, publicEndpoint: undefined }, { maxAttempts: 1 });
    try {
      const started = Date.now();
      await expect(store.head({ key: 'tenants/sec/x' })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(45_000);
    } finally {
      store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => blackHole.close(() => r()));
    }
  });
});

describe('log redaction', () => {
  let stack: SimulatedStack;
  let lines: string[];
  const providerKey = `sk-sim-LEAKCHECK-${'p'.repeat(24)}`;
  const toolSecret = `tool-LEAKCHECK-${'t'.repeat(24)}`;

  beforeAll(async () => {
    lines = [];
    const logs = new PassThrough();
    logs.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    stack = await startSimulatedStack(
      { LOG_LEVEL: 'debug', OPENAI_API_KEY: providerKey, API_RATE_LIMIT_PER_SECOND: '0', WEBHOOK_RETRY_SCHEDULE: '0,50ms' },
      { logDestination: logs },
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('never logs API keys, webhook secrets, provider keys, tool auth headers or URL signatures', { timeout: 60_000 }, async () => {
    const { apiKey, webhookSecret } = await stack.createKey('sec-logs');
    const receiver = await startWebhookReceiver({ secret: webhookSecret });
    // The tool server: it records what it was sent (the auth headers included).
    const tool = await startWebhookReceiver({ secret: webhookSecret });
    const secrets: Record<string, string> = { apiKey, webhookSecret, providerKey, toolSecret };
    try {
      // An endpoint (its secret), then a rotation (a second secret).
      const endpoint = await stack.request(apiKey, 'POST', '/v1/webhooks', { url: receiver.url });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      secrets.endpointSecret = endpoint.body.secret as string;
      const rotated = await stack.request(apiKey, 'POST', `/v1/webhooks/${endpoint.body.id}/rotate-secret`);
      secrets.rotatedSecret = rotated.body.secret as string;

      // A job whose model calls a webhook tool carrying auth headers.
      const withTool = await stack.request(apiKey, 'POST', '/v1/jobs', {
        type: 'complete',
        input: {
          messages: [{ role: 'user', content: 'use get_weather' }],
          tools: [
            {
              name: 'get_weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
              executionMode: 'webhook',
              source: { kind: 'webhook', url: tool.url, timeoutMs: 2_000, authHeaders: { authorization: `Bearer ${toolSecret}`, 'x-tool-token': toolSecret } },
            },
          ],
        },
        webhook: { url: receiver.url },
      });
      expect(withTool.status, JSON.stringify(withTool.body)).toBe(202);
      const toolJob = await stack.waitForJob(apiKey, withTool.body.id as string);
      expect(tool.received.length, JSON.stringify(toolJob)).toBeGreaterThan(0);
      expect(tool.received[0]!.headers['x-tool-token']).toBe(toolSecret);
      // A job whose provider fails (auth error then a 500 whose message carries the key).
      stack.simulator.enqueueFaults([{ status: 401, message: `Incorrect API key provided: ${providerKey}` }, { status: 500 }], 'openai');
      const failing = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: receiver.url } });
      expect(failing.status).toBe(202);
      // A presigned upload URL: its signature must not be logged either.
      const presigned = await stack.request(apiKey, 'POST', '/v1/uploads:presign', { contentType: 'audio/wav' });
      secrets.uploadSignature = new URL((presigned.body.upload as { url: string }).url).searchParams.get('X-Amz-Signature')!;
      // Bad credentials are logged by nobody either.
      await stack.request(`${apiKey}x`, 'GET', '/v1/usage');

      const failed = await stack.waitForJob(apiKey, failing.body.id as string);
      // The tenant sees the provider's error, never the operator's provider key it quoted.
      expect(JSON.stringify(failed)).toContain('Incorrect API key provided: sk-[redacted]');
      expect(JSON.stringify(failed)).not.toContain(providerKey);
      await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === failing.body.id, 15_000);
      // A synthesize job: its result carries a presigned download URL.
      const synth = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'synthesize', input: { text: 'hello' } });
      const synthJob = await stack.waitForJob(apiKey, synth.body.id as string);
      const download = (synthJob.result as { audio?: { presignedUrl?: string } } | undefined)?.audio?.presignedUrl;
      expect(download, JSON.stringify(synthJob)).toMatch(/X-Amz-Signature=/);
      secrets.downloadSignature = new URL(download!).searchParams.get('X-Amz-Signature')!;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await receiver.close();
      await tool.close();
    }

    const text = lines.join('');
    // The capture works: the jobs are there, and so is the provider's error, its key masked.
    expect(text).toMatch(/job_[0-9a-f]{28}/);
    expect(text).toContain('Incorrect API key provided: sk-[redacted]');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret, name).toBeTruthy();
      expect(
        text.split('\n').find((line) => line.includes(secret)),
        `${name} appears in the logs`,
      ).toBeUndefined();
    }
    expect(text).not.toMatch(/vq_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/=]{10,}/);
    expect(text).not.toMatch(/X-Amz-Signature=[0-9a-f]{16,}/i);
  });
});
