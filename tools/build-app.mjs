// Bundles one app (apps/<name>/src/main.ts) into dist/apps/<name>/main.js.
// Our libs are bundled in through the tsconfig path aliases; npm packages stay external
// so the production image runs `node dist/apps/<name>/main.js` against node_modules.
import { build } from 'esbuild';

const name = process.argv[2];
if (!name) {
  console.error('usage: node tools/build-app.mjs <app>');
  process.exit(2);
}

await build({
  entryPoints: [`apps/${name}/src/main.ts`],
  outfile: `dist/apps/${name}/main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  logLevel: 'warning',
});
