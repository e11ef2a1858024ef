import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObjectStore } from '@voxq/storage';
import { freePort, hasContainerRuntime } from './redis-server';

export interface TestS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** How it was found, printed once so a failing run says what it ran against. */
  source: string;
  stop(): Promise<void>;
}

const BUCKET = 'voxq-test';

/**
 * An s3rver of its own on a free port, with `bucket`, in a temporary directory: the local S3
 * `npm start` runs, for a test that needs exactly that (unsigned requests) or a bucket alone.
 */
export async function startS3rver(bucket = BUCKET): Promise<TestS3> {
  const { default: S3rver } = await import('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'voxq-s3-'));
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: bucket }] });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket,
    source: `s3rver on port ${port} (data in ${directory})`,
    async stop() {
      // Teardown: a server that already stopped (a failed start, a second stop) is fine.
      await server.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * An S3 for the integration tests, found in this order: `S3_ENDPOINT` (with `S3_ACCESS_KEY_ID`,
 * `S3_SECRET_ACCESS_KEY`, `S3_BUCKET`); a MinIO container where a Docker engine runs; an
 * in-process s3rver on a free port with a temporary directory. The bucket exists on return.
 */
export async function resolveTestS3(env = process.env): Promise<TestS3> {
  let s3: TestS3;
  if (env.S3_ENDPOINT) {
    s3 = {
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID ?? 'minioadmin',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'minioadmin',
      bucket: env.S3_BUCKET ?? BUCKET,
      source: 'S3_ENDPOINT',
      stop: async () => undefined,
    };
  } else if (await hasContainerRuntime()) {
    const { MinioContainer } = await import('@testcontainers/minio');
    const container = await new MinioContainer('minio/minio:RELEASE.2025-04-22T22-12-26Z').withUsername('voxq').withPassword('voxq-secret').start();
    s3 = {
      endpoint: container.getConnectionUrl(),
      accessKeyId: 'voxq',
      secretAccessKey: 'voxq-secret',
      bucket: BUCKET,
      source: 'testcontainers minio',
      stop: async () => void (await container.stop()),
    };
  } else {
    s3 = await startS3rver();
  }
  const store = createObjectStore({
    s3: {
      endpoint: s3.endpoint,
      publicEndpoint: undefined,
      region: 'us-east-1',
      bucket: s3.bucket,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      forcePathStyle: true,
      presignTtlSeconds: 900,
    },
  });
  try {
    await store.ensureBucket();
  } catch (error) {
    await s3.stop();
    throw new Error(`The test S3 (${s3.source}, ${s3.endpoint}) has no bucket ${s3.bucket} and none could be created: ${(error as Error).message}`);
  } finally {
    store.close();
  }
  return s3;
}
