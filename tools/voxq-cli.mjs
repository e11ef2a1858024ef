#!/usr/bin/env node
// `npx voxq …`: runs the CLI (apps/cli). In a checkout it first rebuilds the bundle when any
// source is newer (esbuild, well under a second), so the command always runs the code you see;
// without sources or esbuild (an installed copy) it runs the bundle as it is. The bundle is
// split (dist/apps/voxq/), so API commands start without loading the Redis, BullMQ and
// metrics packages that only `voxq keys` needs; `npm run keys` keeps its own dist/apps/cli.
// This is the checkout's command (tenant commands and the operator's `keys`); the one users
// install elsewhere is @voxq/cli, which `npm run build:packages` packs (tools/build-packages.mjs).
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/apps/voxq');
const bundle = join(outdir, 'main.js');

/** The newest modification time under `dir` (TypeScript sources and Lua scripts only). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.lua') || entry.name.endsWith('.sql')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

async function ensureFresh() {
  if (!existsSync(join(root, 'apps/cli/src/main.ts'))) return;
  const sources = Math.max(newest(join(root, 'apps/cli/src')), newest(join(root, 'libs')), statSync(join(root, 'tsconfig.base.json')).mtimeMs);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return; // No build tool here: run the bundle there is.
  }
  // tools/build-app.mjs's options plus splitting. Chunks have content-hashed names and every
  // file is written aside and renamed into place, main.js last, so two commands started at
  // once never run a half-written bundle.
  const result = await esbuild.build({
    entryPoints: [join(root, 'apps/cli/src/main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.base.json'),
    // Stores' Lua scripts (`*.lua` beside them) and the history's migrations (`*.sql`) are imported as their text.
    loader: { '.lua': 'text', '.sql': 'text' },
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(outdir, { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path.startsWith(bundle)) - Number(b.path.startsWith(bundle)));
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

await ensureFresh();
if (!existsSync(bundle)) {
  console.error(`voxq: ${bundle} is missing; run it once from a checkout with dev dependencies to build it.`);
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
