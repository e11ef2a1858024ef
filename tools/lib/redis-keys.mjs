// voxq's Redis key builder (`libs/redis-keys`), bundled from source when a tool starts, for
// the tools that read voxq's keys themselves (the chaos verdict, the bench's progress polls):
// plain .mjs cannot import TypeScript, and a key spelt by hand would drift from the apps'.
//
// The bundle is imported from memory rather than written to dist/ (as tools/chaos/load.mjs
// does for its WAV writer): the bench and the chaos suite both load it, and two processes
// writing one file could let one import the other's half-written copy.
import { build } from 'esbuild';

async function bundleRedisKeys() {
  const { outputFiles } = await build({
    stdin: { contents: "export { redisKeys } from '@voxq/redis-keys';", resolveDir: process.cwd(), loader: 'ts' },
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: 'tsconfig.base.json',
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
}

/** `redisKeys(prefix)`: every key and channel voxq uses under an installation's REDIS_PREFIX. */
export const { redisKeys } = await bundleRedisKeys();
