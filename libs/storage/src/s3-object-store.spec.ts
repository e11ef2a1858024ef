import { describe, expect, it } from 'vitest';
import { S3ObjectStore, type S3Settings } from './s3-object-store';

const settings: S3Settings = {
  endpoint: 'http://minio:9000',
  publicEndpoint: 'https://files.example.com',
  region: 'us-east-1',
  bucket: 'voxq',
  credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
  forcePathStyle: true,
  presignTtlSeconds: 900,
};

describe('S3ObjectStore presigning (offline)', () => {
  it('signs URLs for the public endpoint, without checksum parameters', async () => {
    const store = new S3ObjectStore(settings);
    const get = new URL(await store.presignGet({ key: 'tenants/a/results/job.wav' }, { expiresInSeconds: 60 }));
    expect(get.origin).toBe('https://files.example.com');
    expect(get.pathname).toBe('/voxq/tenants/a/results/job.wav');
    expect(get.searchParams.get('X-Amz-Expires')).toBe('60');

    const put = await store.presignPut('tenants/a/uploads/u1', { contentType: 'audio/wav', expiresInSeconds: 120 });
    expect(put).toMatchObject({ method: 'PUT', headers: { 'content-type': 'audio/wav' } });
    const url = new URL(put.url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    expect([...url.searchParams.keys()].some((k) => /checksum/i.test(k))).toBe(false);
    store.close();
  });

  it('refuses unsafe keys before signing', async () => {
    const store = new S3ObjectStore({ ...settings, publicEndpoint: undefined });
    await expect(store.presignPut('../x', { contentType: 'audio/wav', expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'invalid_object_key' });
    store.close();
  });
});
