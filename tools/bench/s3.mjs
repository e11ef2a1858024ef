// S3 for the benchmark's apps (the api checks its bucket at start): S3_ENDPOINT's when set,
// else an s3rver in this process, as `npm start` runs one, with its data in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/net.mjs';

export async function ensureS3(env) {
  if (env.S3_ENDPOINT) return { env: {}, source: env.S3_ENDPOINT, close: async () => undefined };
  const { default: S3rver } = await import('s3rver');
  const directory = mkdtempSync(join(tmpdir(), 'voxq-bench-s3-'));
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: 'voxq-bench' }] });
  await server.run();
  return {
    source: `s3rver in the bench process (port ${port})`,
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_FORCE_PATH_STYLE: 'true',
      S3_REGION: 'us-east-1',
      S3_BUCKET: 'voxq-bench',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
