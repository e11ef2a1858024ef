// Bundles apps (apps/<name>/src/main.ts) into dist/apps/<name>/main.js.
// Our libs are bundled in through the tsconfig path aliases; npm packages stay external
// so a production image runs `node dist/apps/<name>/main.js` against node_modules.
// `console` is the browser app the api serves (dist/apps/console); building `api` builds it
// too, so every way the api is built (npm start, the Dockerfile, run-app) ships its console.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { bundleConsole } from './lib/console-bundle.mjs';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node tools/build-app.mjs <app> [<app> ...]');
  process.exit(2);
}

// Each file is written beside its place and renamed into it, so a process starting from
// dist/ meanwhile (another `npm start`, a test) reads the old bundle or the new, never half of one.
const writeAtomically = ({ path, contents }) => {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
};

const withConsole = names.includes('console') || names.includes('api');
const serverApps = names.filter((name) => name !== 'console');

await Promise.all([
  ...(withConsole ? [bundleConsole()] : []),
  ...serverApps.map(async (name) => {
    const { outputFiles } = await build({
      entryPoints: [`apps/${name}/src/main.ts`],
      outfile: `dist/apps/${name}/main.js`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      tsconfig: 'tsconfig.base.json',
      // Stores' Lua scripts (`*.lua` beside them) and the history's migrations (`*.sql`) are imported as their text.
      loader: { '.lua': 'text', '.sql': 'text' },
      logLevel: 'warning',
      write: false,
    });
    outputFiles.forEach(writeAtomically);
  }),
]);
