import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Queues, createRedisConnection } from '@voxq/queues';
import { createObjectStore, type S3ObjectStore } from '@voxq/storage';
import { cleanupPrefix, startStack, testConfig, type TestStack, testQueues } from '@voxq/testing';
import type { RedisClient } from '@voxq/redis-keys';
import { LIMIT, MiB, tenantId, uploadHelpers } from './uploads.fixture';

const has = (bin: string) => !spawnSync(bin, ['--version'], { stdio: 'ignore' }).error;
const HAS_SPEECH = has('espeak-ng') && has('sox') && has('pocketsphinx_continuous');

/**
 * Transcribe jobs whose audio is a reference rather than inline bytes: an upload by id, an
 * s3:// URL inside the tenant's own prefix, or an http(s) URL fetched into the tenant's
 * uploads first (and refused under the production URL policy when it points inward).
 * Uploads themselves are uploads.int.spec.ts.
 */
describe('uploads', () => {
  let stack: TestStack;
  let objects: S3ObjectStore;
  let queues: Queues;
  let redis: RedisClient;

  beforeAll(async () => {
    // pocketsphinx is the only speech engine here, and this file runs beside the 1 GiB upload
    // in uploads.int.spec.ts: give the local engine more than the test default's 5 s.
    stack = await startStack(testConfig({ UPLOAD_MAX_BYTES: String(LIMIT), PROVIDER_TIMEOUT_MS: '30000' }), { dispatcher: false });
    objects = createObjectStore(stack.config);
    redis = createRedisConnection(stack.config.redis);
    queues = await testQueues(redis, stack.config);
  });

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    objects?.close();
    await stack?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  const { keyFor, upload, uploadsOf, queuedAudio, transcribe } = uploadHelpers({ stack: () => stack, objects: () => objects, queues: () => queues });

  it('queues a transcribe job naming an upload by id, and pocketsphinx transcribes it', async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const wav = HAS_SPEECH ? spawnSync('espeak-ng', ['--stdout', 'Hello world. This is a test of the voice queue.']).stdout : Buffer.from('RIFF....WAVEfmt ');
    const uploaded = await upload(apiKey, wav);
    expect(uploaded.status).toBe(201);

    const pending = await stack.request(apiKey, 'POST', '/v1/uploads:presign', { contentType: 'audio/wav' });
    const notYet = await transcribe(apiKey, { uploadId: pending.body.id });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error!.code).toBe('upload_not_completed');

    const submitted = await transcribe(apiKey, { uploadId: uploaded.body.id });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(await queuedAudio(submitted.body.id as string)).toMatchObject({
      key: `tenants/${tenant}/uploads/${uploaded.body.id}`,
      contentType: 'audio/wav',
      bytes: wav.length,
    });
    if (!HAS_SPEECH) return;
    const job = await stack.waitForJob(apiKey, submitted.body.id as string, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('completed');
    expect(job.result).toMatchObject({ provider: 'pocketsphinx', text: expect.any(String) });
  });

  it("accepts s3:// URLs inside the tenant's own prefix", async () => {
    const { tenant, apiKey } = await keyFor('acme');
    const { body } = await upload(apiKey, randomBytes(2000), 'audio/mpeg');
    const key = `tenants/${tenant}/uploads/${body.id}`;
    const submitted = await transcribe(apiKey, { url: `s3://${objects.bucket}/${key}` });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(await queuedAudio(submitted.body.id as string)).toMatchObject({ key, contentType: 'audio/mpeg', bytes: 2000 });

    const missing = await transcribe(apiKey, { url: `s3://${objects.bucket}/tenants/${tenant}/uploads/nothing-here.wav` });
    expect(missing.status).toBe(400);
    expect(missing.body.error!.param).toBe('input.audio.url');
  });

  it.each([
    ['a dot-dot segment', (b: string, t: string) => `s3://${b}/tenants/${t}/../globex/uploads/x.wav`],
    ['percent-encoded dots', (b: string, t: string) => `s3://${b}/tenants/${t}/%2e%2e/globex/x.wav`],
    ['an encoded slash', (b: string, t: string) => `s3://${b}/tenants/${t}%2F..%2Fglobex/x.wav`],
    ['backslashes', (b: string, t: string) => `s3://${b}/tenants/${t}\\..\\globex\\x.wav`],
    ['an absolute key', (b: string) => `s3://${b}//tenants/globex/x.wav`],
    ['an empty segment', (b: string, t: string) => `s3://${b}/tenants//${t}/x.wav`],
    ["another tenant's prefix", (b: string) => `s3://${b}/tenants/globex/uploads/x.wav`],
    ['a look-alike tenant prefix', (b: string, t: string) => `s3://${b}/tenants/${t}-evil/x.wav`],
    ['outside tenants/', (b: string) => `s3://${b}/results/x.wav`],
    ['another bucket', (_b: string, t: string) => `s3://someone-elses-bucket/tenants/${t}/x.wav`],
  ])('refuses an s3:// URL with %s (400 naming input.audio.url)', async (_name, url) => {
    const { tenant, apiKey } = await keyFor('acme');
    const res = await transcribe(apiKey, { url: url(objects.bucket, tenant) });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error!.param).toBe('input.audio.url');
  });

  it.each([
    ['inline and a reference at once', { data: 'UklGRg==', uploadId: 'up_0123456789abcdef0123456789ab' }, 'input.audio'],
    ['a bad upload id', { uploadId: '../up_1' }, 'input.audio.uploadId'],
    ['an ftp URL', { url: 'ftp://example.com/a.wav' }, 'input.audio.url'],
    ['nothing', {}, 'input.audio'],
  ])('refuses audio given as %s', async (_name, audio, param) => {
    const { apiKey } = await keyFor('acme');
    const res = await transcribe(apiKey, audio);
    expect(res.status).toBe(400);
    expect(res.body.error!.param).toBe(param);
  });

  describe('audio by http(s) URL', () => {
    let server: Server;
    let base: string;
    const served = randomBytes(50_000);

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/a.wav') return void res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': served.length }).end(served);
        if (req.url === '/page') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
        if (req.url === '/moved') return void res.writeHead(302, { location: '/a.wav' }).end();
        if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'audio/wav' }).end(Buffer.alloc(LIMIT + 10));
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

    it('fetches the audio into the tenant’s uploads first, and the job names that object', async () => {
      const { tenant, apiKey } = await keyFor('acme');
      const submitted = await transcribe(apiKey, { url: `${base}/a.wav` });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      const audio = await queuedAudio(submitted.body.id as string);
      expect(audio).toMatchObject({ key: expect.stringMatching(new RegExp(`^tenants/${tenant}/uploads/up_`)), contentType: 'audio/wav', bytes: served.length });
      const stored = await objects.getBuffer({ key: audio.key as string }, MiB);
      expect(stored.data.equals(served)).toBe(true);
    });

    it.each([
      ['a page that is not audio', '/page', 400],
      ['a redirect (not followed)', '/moved', 400],
      ['a 404', '/missing.wav', 400],
      ['a body over the upload limit', '/big', 413],
    ])('refuses %s', async (_name, path, status) => {
      const { tenant, apiKey } = await keyFor('acme');
      const res = await transcribe(apiKey, { url: `${base}${path}` });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (status === 400) expect(res.body.error!.param).toBe('input.audio.url');
      expect(await uploadsOf(tenant)).toEqual([]);
    });
  });
});

describe('audio URLs under the production URL policy (no private networks, https only)', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startStack(testConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_ALLOW_HTTP: 'false' }), { worker: false, dispatcher: false });
    apiKey = (await stack.createKey(tenantId('acme'))).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
    if (stack) await cleanupPrefix(stack.config);
  });

  it.each([
    'https://127.0.0.1/a.wav',
    'https://localhost/a.wav',
    'https://10.0.0.7/a.wav',
    'https://192.168.1.20/a.wav',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/a.wav',
    'https://[::ffff:127.0.0.1]/a.wav',
    'https://2130706433/a.wav',
    'http://example.com/a.wav',
  ])('refuses %s with a 400 naming input.audio.url, nothing fetched', async (url) => {
    const res = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'transcribe', input: { audio: { url } } });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error!.param).toBe('input.audio.url');
  });
});
