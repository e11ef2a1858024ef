// Bundles the tenant console (apps/console) into a folder the API serves at /console:
// index.html, assets/console.js and assets/console.css. Everything is in the bundle (preact
// included): the page loads nothing from another origin and works offline.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = join(ROOT, 'apps/console/src');

/** Each file is written beside its place and renamed into it: a server reading meanwhile sees the old file or the new. */
const writeAtomically = (path, contents) => {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};

/** Builds the console into `outDir` (default dist/apps/console). */
export async function bundleConsole(outDir = join(ROOT, 'dist/apps/console')) {
  const { outputFiles } = await build({
    entryPoints: { console: join(SOURCE, 'main.tsx') },
    outdir: join(outDir, 'assets'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    tsconfig: join(ROOT, 'apps/console/tsconfig.json'),
    logLevel: 'warning',
    write: false,
  });
  for (const file of outputFiles) writeAtomically(file.path, file.contents);
  writeAtomically(join(outDir, 'assets/console.css'), readFileSync(join(SOURCE, 'styles.css')));
  writeAtomically(join(outDir, 'index.html'), readFileSync(join(SOURCE, 'index.html')));
  return outDir;
}
