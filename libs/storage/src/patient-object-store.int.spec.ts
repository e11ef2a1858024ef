import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '@voxq/errors';
import { startTcpProxy, testConfig, type TcpProxy } from '@voxq/testing';
import type { ObjectStore } from './object-store';
import { withPatience } from './patient-object-store';
import { createObjectStore, type S3ObjectStore } from './s3-object-store';
import { tenantKey } from './tenant-key';

const key = (name: string) => tenantKey(`t-${randomUUID().slice(0, 8)}`, 'results', name);
const wav = { contentType: 'audio/wav' };

/** The test S3 behind a proxy this suite takes down, so the store meets a real outage. */
describe('withPatience: an S3 outage waited out', () => {
  let proxy: TcpProxy;
  let s3: S3ObjectStore;
  const retries: string[] = [];
  const recovered: Array<[string, number]> = [];
  const patient = (windowMs: number): ObjectStore =>
    withPatience(s3, {
      windowMs,
      minDelayMs: 50,
      maxDelayMs: 200,
      onRetry: (operation) => retries.push(operation),
      onRecovered: (operation, tries) => recovered.push([operation, tries]),
    });

  beforeAll(async () => {
    const config = testConfig();
    proxy = await startTcpProxy(config.s3.endpoint!);
    s3 = createObjectStore({ s3: { ...config.s3, endpoint: proxy.url } });
  });
  afterAll(async () => {
    s3?.close();
    await proxy?.close();
  });

  const during = async <T>(outageMs: number, call: () => Promise<T>): Promise<T> => {
    await proxy.down();
    const pending = call();
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    await proxy.up();
    return pending;
  };

  it('stores a buffer once the store is back, telling each retry and the recovery', async () => {
    retries.length = 0;
    recovered.length = 0;
    const data = randomBytes(4096);
    const target = key('kept.wav');
    const stored = await during(1_000, () => patient(60_000).putBuffer(target, data, wav));
    expect(stored.size).toBe(data.length);
    expect((await s3.getBuffer({ key: target }, 1_000_000)).data.equals(data)).toBe(true);
    expect(retries.length).toBeGreaterThan(0);
    expect(new Set(retries)).toEqual(new Set(['put']));
    expect(recovered).toEqual([['put', retries.length + 1]]);
  });

  it('waits the same way for reads and heads', async () => {
    const target = key('read.wav');
    await s3.putBuffer(target, Buffer.from('RIFF'), wav);
    const read = await during(500, () => patient(60_000).getBuffer({ key: target }, 1_000));
    expect(read.data.toString()).toBe('RIFF');
    expect(await during(500, () => patient(60_000).head({ key: target }))).toMatchObject({ key: target, size: 4 });
  });

  it('answers at once what is an answer, not an outage: a missing object', async () => {
    retries.length = 0;
    await expect(patient(60_000).getBuffer({ key: key('missing.wav') }, 1_000)).rejects.toMatchObject({ status: 404 });
    expect(await patient(60_000).head({ key: key('missing.wav') })).toBeNull();
    expect(retries).toEqual([]);
  });

  it('gives up past its window with the storage error', async () => {
    await proxy.down();
    try {
      await expect(patient(300).putBuffer(key('late.wav'), Buffer.from('x'), wav)).rejects.toMatchObject({ code: 'storage_unavailable', retryable: true });
    } finally {
      await proxy.up();
    }
  });

  it("ends the wait when the caller's signal aborts, with the signal's reason", async () => {
    await proxy.down();
    try {
      const controller = new AbortController();
      const pending = patient(60_000).putBuffer(key('cancelled.wav'), Buffer.from('x'), { ...wav, signal: controller.signal });
      setTimeout(() => controller.abort(errors.cancelled()), 300);
      await expect(pending).rejects.toMatchObject({ code: 'job_cancelled' });
    } finally {
      await proxy.up();
    }
  });

  it('does not retry a streamed body, which the first try consumed', async () => {
    await proxy.down();
    try {
      retries.length = 0;
      await expect(patient(60_000).putStream(key('stream.wav'), Readable.from([Buffer.from('x')]), wav)).rejects.toMatchObject({
        code: 'storage_unavailable',
      });
      expect(retries).toEqual([]);
    } finally {
      await proxy.up();
    }
  });

  it('is the store itself with a window of 0', () => {
    expect(withPatience(s3, { windowMs: 0 })).toBe(s3);
  });
});
