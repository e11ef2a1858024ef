import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '@voxq/testing';
import { createObjectStore } from './s3-object-store';
import { tenantKey, tenantPrefix } from './tenant-key';

const config = testConfig();
const store = createObjectStore(config);
// Every test writes under its own tenant, so runs and tests never see each other's objects.
const tenant = () => `t-${randomUUID().slice(0, 8)}`;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A body delivered in chunks, as a request would stream it. */
function chunked(data: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })(),
  );
}

afterAll(() => store.close());

describe('S3ObjectStore (against the test S3)', () => {
  it('streams a body in and out, with its size and SHA-256', async () => {
    const data = randomBytes(300 * 1024);
    const key = tenantKey(tenant(), 'inputs', 'roundtrip.wav');
    const stored = await store.putStream(key, chunked(data), { contentType: 'audio/wav', maxBytes: 1_048_576 });
    expect(stored).toMatchObject({ key, size: data.length, sha256: sha256(data), contentType: 'audio/wav', bucket: config.s3.bucket });

    const { body, object } = await store.getStream({ key });
    expect(object).toMatchObject({ size: data.length, contentType: 'audio/wav' });
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
  });

  it('uploads in parts when the body is larger than one part', async () => {
    const data = randomBytes(17 * 1_048_576 + 123);
    const key = tenantKey(tenant(), 'uploads', 'large.bin');
    const stored = await store.putStream(key, chunked(data, 1_048_576), { contentType: 'application/octet-stream' });
    expect(stored).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect((await store.head({ key }))?.size).toBe(data.length);
    await store.delete({ key });
  });

  it('aborts past maxBytes with a 413 and leaves nothing behind', async () => {
    const t = tenant();
    const small = tenantKey(t, 'inputs', 'small-over');
    await expect(store.putStream(small, chunked(randomBytes(200 * 1024)), { contentType: 'audio/wav', maxBytes: 100 * 1024 })).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
    // Past the first part: a multipart upload had started and is aborted.
    const large = tenantKey(t, 'inputs', 'large-over');
    await expect(
      store.putStream(large, chunked(randomBytes(20 * 1_048_576), 1_048_576), { contentType: 'audio/wav', maxBytes: 9 * 1_048_576 }),
    ).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await store.head({ key: small })).toBeNull();
    expect(await store.head({ key: large })).toBeNull();
    expect((await store.list({ prefix: tenantPrefix(t) })).objects).toEqual([]);
    // A declared length over the limit is refused before anything is sent.
    await expect(store.putStream(large, chunked(Buffer.alloc(10)), { contentType: 'audio/wav', contentLength: 2_000, maxBytes: 1_000 })).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });

  it('stores buffers with their hash, reads them back bounded', async () => {
    const data = Buffer.from('RIFF....WAVE');
    const key = tenantKey(tenant(), 'results', 'job.wav');
    await store.putBuffer(key, data, { contentType: 'audio/wav' });
    const got = await store.getBuffer({ key }, 1024);
    expect(got.data.equals(data)).toBe(true);
    expect(got.object).toMatchObject({ sha256: sha256(data), contentType: 'audio/wav', size: data.length });
    await expect(store.getBuffer({ key }, 4)).rejects.toMatchObject({ code: 'payload_too_large' });
  });

  it('reports missing objects as null (head) or 404 (get)', async () => {
    const key = tenantKey(tenant(), 'results', 'missing');
    expect(await store.head({ key })).toBeNull();
    await expect(store.getStream({ key })).rejects.toMatchObject({ status: 404, code: 'object_not_found' });
    await expect(store.delete({ key })).resolves.toBeUndefined();
  });

  it('accepts a presigned PUT sent with fetch', async () => {
    const key = tenantKey(tenant(), 'uploads', 'presigned.wav');
    const presigned = await store.presignPut(key, { contentType: 'audio/wav', expiresInSeconds: 60 });
    expect(Date.parse(presigned.expiresAt)).toBeGreaterThan(Date.now());
    const data = randomBytes(4096);
    const res = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body: data });
    expect(res.status).toBe(200);
    expect(await store.head({ key })).toMatchObject({ size: 4096, contentType: 'audio/wav' });
  });

  it('serves a presigned GET', async () => {
    const key = tenantKey(tenant(), 'results', 'get.wav');
    const data = randomBytes(2048);
    await store.putBuffer(key, data, { contentType: 'audio/wav' });
    const res = await fetch(await store.presignGet({ key }, { expiresInSeconds: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  });

  it('lists a prefix page by page', async () => {
    const t = tenant();
    const keys = await Promise.all(['a', 'b', 'c'].map((n) => store.putBuffer(tenantKey(t, 'drops', n), Buffer.from(n), { contentType: 'text/plain' })));
    await store.putBuffer(tenantKey(`${t}x`, 'drops', 'other'), Buffer.from('x'), { contentType: 'text/plain' });
    const page = await store.list({ prefix: tenantPrefix(t) });
    expect(page.objects.map((o) => o.key).sort()).toEqual(keys.map((k) => k.key).sort());
    expect(page.objects[0]).toMatchObject({ size: 1 });
    expect(page.next).toBeUndefined();
  });

  it('refuses path tricks before calling S3', async () => {
    for (const key of ['../etc/passwd', '/tenants/x', 'tenants/a/../b', 'a\u0000b']) {
      await expect(store.head({ key })).rejects.toMatchObject({ code: 'invalid_object_key' });
      await expect(store.putBuffer(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'invalid_object_key' });
    }
  });

  it('maps an unreachable store to a retryable storage_unavailable', async () => {
    const down = createObjectStore({ s3: { ...config.s3, endpoint: 'http://127.0.0.1:9' } });
    await expect(down.getStream({ key: 'tenants/x/y' })).rejects.toMatchObject({ code: 'storage_unavailable', retryable: true });
    down.close();
  });
});
