import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { createObjectStore, type S3ObjectStore } from '@voxq/storage';
import { cleanupPrefix, eventually, startStack, testConfig, type TestStack, redisEnv } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { generatedBody, GiB, LIMIT, MiB, postStream, sha256, tenantId, uploadHelpers } from './uploads.fixture';

/**
 * Uploads themselves: streamed through the API and presigned straight to the bucket, their
 * limits, types and deletion, one tenant's hidden from another, and a 1 GiB body in constant
 * memory. Jobs that name an upload or an audio URL are uploads-audio-references.int.spec.ts.
 */
describe('uploads', () => {
  let stack: TestStack;
  let objects: S3ObjectStore;

  beforeAll(async () => {
    stack = await startStack(testConfig({ UPLOAD_MAX_BYTES: String(LIMIT) }), { dispatcher: false });
    objects = createObjectStore(stack.config);
  });

  afterAll(async () => {
    objects?.close();
    await stack?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  const { keyFor, upload, uploadsOf, transcribe } = uploadHelpers({ stack: () => stack, objects: () => objects });

  it('streams a body to S3 and answers the upload with its size and SHA-256', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const data = randomBytes(300_000);
    const res = await upload(apiKey, data, 'audio/wav', { 'x-voxq-filename': 'take 1.wav' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^up_[0-9a-f]{28}$/),
      object: 'upload',
      status: 'completed',
      contentType: 'audio/wav',
      size: data.length,
      sha256: sha256(data),
      filename: 'take 1.wav',
      createdAt: expect.any(String),
      completedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/v1/uploads/${res.body.id}`);
    expect((await stack.request(apiKey, 'GET', `/v1/uploads/${res.body.id}`)).body).toEqual(res.body);

    const stored = await objects.getBuffer({ key: `tenants/${tenant}/uploads/${res.body.id}` }, MiB);
    expect(stored.object.contentType).toBe('audio/wav');
    expect(stored.data.equals(data)).toBe(true);
  });

  it('takes bytes PUT straight to the bucket with a presigned URL, then completes the upload', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const presigned = await stack.request(apiKey, 'POST', '/v1/uploads:presign', { contentType: 'audio/ogg', filename: 'call.ogg' });
    expect(presigned.status, JSON.stringify(presigned.body)).toBe(201);
    expect(presigned.body).toMatchObject({ object: 'upload', status: 'pending', size: null, sha256: null, filename: 'call.ogg', contentType: 'audio/ogg' });
    const target = presigned.body.upload as { url: string; method: string; headers: Record<string, string>; expiresAt: string };
    expect(target).toEqual({
      url: expect.stringContaining(`tenants/${tenant}/uploads/${presigned.body.id}`),
      method: 'PUT',
      headers: { 'content-type': 'audio/ogg' },
      expiresAt: expect.any(String),
    });

    const early = await stack.request(apiKey, 'POST', `/v1/uploads/${presigned.body.id}/complete`);
    expect(early.status).toBe(409);
    expect(early.body.error!.code).toBe('upload_not_received');

    const data = randomBytes(200_000);
    const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: data });
    expect(put.status, await put.text()).toBe(200);

    const completed = await stack.request(apiKey, 'POST', `/v1/uploads/${presigned.body.id}/complete`);
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({
      id: presigned.body.id,
      status: 'completed',
      size: data.length,
      sha256: null,
      contentType: 'audio/ogg',
      completedAt: expect.any(String),
    });
    expect(completed.body.upload).toBeUndefined();
    // Completing again answers the same upload.
    expect((await stack.request(apiKey, 'POST', `/v1/uploads/${presigned.body.id}/complete`)).body).toEqual(completed.body);
  });

  it('refuses a presigned upload that arrives larger than the limit, and removes it', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const presigned = await stack.request(apiKey, 'POST', '/v1/uploads:presign', { contentType: 'audio/wav' });
    const target = presigned.body.upload as { url: string; headers: Record<string, string> };
    expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: randomBytes(LIMIT + 1) })).status).toBe(200);
    const completed = await stack.request(apiKey, 'POST', `/v1/uploads/${presigned.body.id}/complete`);
    expect(completed.status).toBe(413);
    expect(completed.body.error!.code).toBe('payload_too_large');
    expect(await uploadsOf(tenant)).toEqual([]);
    expect((await stack.request(apiKey, 'GET', `/v1/uploads/${presigned.body.id}`)).body.status).toBe('pending');
  });

  it('deletes an upload and its bytes', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const { body } = await upload(apiKey, randomBytes(1000));
    const deleted = await stack.request(apiKey, 'DELETE', `/v1/uploads/${body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: body.id, object: 'upload', deleted: true });
    expect((await stack.request(apiKey, 'GET', `/v1/uploads/${body.id}`)).status).toBe(404);
    expect(await uploadsOf(tenant)).toEqual([]);
  });

  it('refuses an upload over the limit: a declared length at once, a streamed body midway, and removes what it wrote', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const declared = await upload(apiKey, randomBytes(LIMIT + 1));
    expect(declared.status).toBe(413);
    expect(Object.keys(declared.body)).toEqual(['error']);
    expect(declared.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large', message: expect.stringContaining(String(LIMIT)) });

    // Chunked, no length: the API learns the size only as the bytes arrive.
    const streamed = await postStream(`${stack.url}/v1/uploads`, apiKey, generatedBody(3 * LIMIT, 64 * 1024).stream, { 'content-type': 'audio/wav' });
    expect(streamed.status).toBe(413);
    expect(streamed.body.error!.code).toBe('payload_too_large');
    await eventually(async () => ((await uploadsOf(tenant)).length === 0 ? true : undefined), 5000, 'the partial upload to be removed');
  });

  it('leaves nothing behind when the client goes away mid-upload', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const req = httpRequest(`${stack.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'audio/wav' } });
    req.on('error', () => undefined);
    req.write(randomBytes(256 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 200));
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await uploadsOf(tenant)).toEqual([]);
    // The API is still fine.
    expect((await upload(apiKey, randomBytes(10))).status).toBe(201);
  });

  it.each([
    ['text/html', 415],
    ['application/json', 415],
    ['image/png', 415],
    ['', 415],
  ])('refuses an upload of type %j (%i)', async (contentType, status) => {
    const { tenant, apiKey } = await keyFor('acme');
    const res = await upload(apiKey, Buffer.from('<html></html>'), contentType);
    expect(res.status).toBe(status);
    expect(res.body.error!.code).toBe('unsupported_media_type');
    expect(await uploadsOf(tenant)).toEqual([]);
  });

  it('refuses an empty upload', async () => {
    const { apiKey } = await keyFor('acme');
    const res = await upload(apiKey, Buffer.alloc(0));
    expect(res.status).toBe(400);
  });

  it("hides another tenant's uploads: reading, completing, deleting or naming one is a 404", async () => {
    const acme = await keyFor('acme');
    const globex = await keyFor('globex');
    const { body } = await upload(acme.apiKey, randomBytes(1000));
    for (const [method, path] of [
      ['GET', `/v1/uploads/${body.id}`],
      ['DELETE', `/v1/uploads/${body.id}`],
      ['POST', `/v1/uploads/${body.id}/complete`],
    ] as const) {
      const res = await stack.request(globex.apiKey, method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error!.code).toBe('upload_not_found');
    }
    const job = await transcribe(globex.apiKey, { uploadId: body.id });
    expect(job.status).toBe(404);
    expect(job.body.error!.code).toBe('upload_not_found');
    // Still there for its owner.
    expect((await stack.request(acme.apiKey, 'GET', `/v1/uploads/${body.id}`)).status).toBe(200);
  });
});

/** The API as its own process, so its memory is its own: `node <its flags> dist/apps/api/main.js`, as deployed. */
describe('a 1 GiB streamed upload', () => {
  // The flags the API runs with wherever voxq starts it (tools/lib/app-node-args.mjs).
  const appNodeArgs = JSON.parse(readFileSync('apps/node-args.json', 'utf8')) as { api: string[] };
  let config: Config;
  let child: ChildProcess;
  let url: string;
  let apiKey: string;
  let tenant: string;
  let objects: S3ObjectStore;

  const statusOf = (pid: number) => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  };

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['tools/build-app.mjs', 'api'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    config = testConfig({ UPLOAD_MAX_BYTES: String(2 * GiB) });
    objects = createObjectStore(config);
    const redis = createRedisConnection(config.redis);
    tenant = tenantId('bulk');
    apiKey = (await new ApiKeyStore(redis, config.redis.prefix).create(tenant)).apiKey;
    redis.disconnect();

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const s3 = config.s3;
    child = spawn(process.execPath, [...appNodeArgs.api, 'dist/apps/api/main.js'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        // Production refuses to start without a tenant secrets key.
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        ...redisEnv(config),
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_ACCESS_KEY_ID: s3.credentials!.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.credentials!.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        UPLOAD_MAX_BYTES: String(2 * GiB),
      },
    });
    url = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 20_000, 'the API process to listen');
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    objects?.close();
    if (config) await cleanupPrefix(config);
  });

  it('streams through the API in constant memory (peak RSS under 200 MB)', { timeout: 600_000 }, async () => {
    const pid = child.pid!;
    const before = statusOf(pid);
    let peakRss = before.rssMb;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, statusOf(pid).rssMb)), 100);
    const body = generatedBody(GiB);
    const started = performance.now();
    const res = await postStream(`${url}/v1/uploads`, apiKey, body.stream, { 'content-type': 'application/octet-stream', 'content-length': String(GiB) });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = statusOf(pid);

    const mbPerSecond = GiB / MiB / seconds;
    console.log(
      `[uploads] 1 GiB streamed upload: ${seconds.toFixed(1)} s, ${mbPerSecond.toFixed(0)} MiB/s; ` +
        `API RSS ${before.rssMb.toFixed(0)} MB before, ${peakRss.toFixed(0)} MB peak sampled, VmHWM ${after.hwmMb.toFixed(0)} MB`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ object: 'upload', status: 'completed', size: GiB, sha256: body.digest() });
    expect(after.hwmMb).toBeLessThan(200);

    const head = await objects.head({ key: `tenants/${tenant}/uploads/${res.body.id}` });
    expect(head?.size).toBe(GiB);
    // Free the test S3's disk.
    const deleted = await fetch(`${url}/v1/uploads/${res.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${apiKey}` } });
    expect(deleted.status).toBe(200);
  });
});
