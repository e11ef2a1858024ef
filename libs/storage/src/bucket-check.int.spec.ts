import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testConfig } from '@voxq/testing';
import { checkBucket } from './bucket-check';

describe('checkBucket', () => {
  it('passes when the bucket exists', async () => {
    await expect(checkBucket(testConfig())).resolves.toBeUndefined();
  });

  it('names S3_BUCKET and S3_ENDPOINT (never the secret) when the bucket does not exist', async () => {
    const config = testConfig({ S3_BUCKET: 'voxq-no-such-bucket' });
    const error = await checkBucket(config).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `Bucket S3_BUCKET=voxq-no-such-bucket at S3_ENDPOINT=${config.s3.endpoint} does not exist: create it (\`aws s3 mb s3://voxq-no-such-bucket\` --endpoint-url ${config.s3.endpoint}) or set S3_BUCKET to an existing one.`,
    );
    expect((error as Error).message).not.toContain(config.s3.credentials?.secretAccessKey ?? '\0');
  });

  it('says the store is not reachable when nothing listens at S3_ENDPOINT', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const error = await checkBucket(testConfig({ S3_ENDPOINT: `http://127.0.0.1:${port}` })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^Object storage is not reachable for S3_BUCKET=\\S+ at S3_ENDPOINT=http://127.0.0.1:${port} \\(.*ECONNREFUSED.*\\)`),
    );
  });

  // A store busy with a large upload, or still starting beside the app, answers late: the
  // check asks again instead of refusing to start (a definite no still fails at once, above).
  it('asks again when the store does not answer in time, and passes once it does', async () => {
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests++;
      if (requests === 1) return; // never answered: the check's 5 s timeout fires
      res.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' }).end();
    });
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      await expect(checkBucket(testConfig({ S3_ENDPOINT: `http://127.0.0.1:${port}` }))).resolves.toBeUndefined();
      expect(requests).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
