// voxq's TypeScript libs for the plain .mjs tools (the bench, the chaos suite): bundled from
// source with esbuild when a tool starts, as tools/build-app.mjs bundles the apps, so a tool
// uses the apps' own code instead of a copy that would drift.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * Bundles `contents` (an entry module, e.g. `export { redisKeys } from '@voxq/redis-keys';`)
 * and imports it. npm packages stay external, so the bundle is written to disk beside
 * node_modules' resolution root (a data: URL module cannot import them); the file is named
 * per process, since the bench and the chaos suite may load the same libs at once, and is
 * removed once imported.
 */
export async function importLibs(name, contents) {
  const outfile = `dist/tools/${name}-${process.pid}.mjs`;
  await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: 'tsconfig.base.json',
    // Stores' Lua scripts (`*.lua` beside them) and the history's migrations (`*.sql`) are imported as their text.
    loader: { '.lua': 'text', '.sql': 'text' },
    logLevel: 'warning',
  });
  try {
    return await import(`${process.cwd()}/${outfile}`);
  } finally {
    await rm(outfile, { force: true });
  }
}
