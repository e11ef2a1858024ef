// `npm run build:packages`: the two installable packages, as tarballs in dist/packages/.
// - @voxq/sdk (libs/sdk): one ESM file (the workspace libs it imports bundled in; npm packages
//   such as standardwebhooks stay `dependencies`, at the versions the root package.json pins)
//   and its type declarations with the contract types inside the package.
// - @voxq/cli (apps/cli/src/tenant.main.ts): the tenant's `voxq` over HTTP as one file with
//   everything in it, so the bin runs from any folder with nothing else installed. The
//   operator's `voxq keys` (Redis) stays in the checkout.
// Each package is staged outside the clone and packed with `npm pack`.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writePackageDeclarations } from './lib/package-declarations.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/packages');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const rootManifest = readJson(join(root, 'package.json'));

/** The package's dependency names at the versions the root package.json installs, so the two never drift. */
function pinned(names) {
  return Object.fromEntries(
    names.map((name) => {
      const version = rootManifest.dependencies[name];
      if (!version) throw new Error(`build-packages: ${name} is not a dependency in the root package.json`);
      return [name, version];
    }),
  );
}

/** Top-level npm packages a bundle took files from (`node_modules/<name>/…`). */
const bundledPackages = (metafile) =>
  [...new Set(Object.keys(metafile.inputs).flatMap((input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? []))].sort();

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
  metafile: true,
};

async function stageSdk(dir, scratch) {
  const template = readJson(join(root, 'libs/sdk/package.json'));
  const dependencies = pinned(Object.keys(template.dependencies ?? {}));
  const { metafile } = await build({
    ...common,
    entryPoints: [join(root, 'libs/sdk/src/index.ts')],
    outfile: join(dir, 'dist/index.js'),
    external: Object.keys(dependencies),
  });
  // Anything from node_modules in the bundle is a package the SDK uses without declaring it.
  const undeclared = bundledPackages(metafile);
  if (undeclared.length) throw new Error(`build-packages: the SDK bundles ${undeclared.join(', ')}; add them to libs/sdk/package.json dependencies`);
  const { imported } = writePackageDeclarations({ root, lib: 'sdk', packageDir: dir, scratchDir: scratch, dependencies });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...template, dependencies }, null, 2)}\n`);
  copyFileSync(join(root, 'libs/sdk/README.md'), join(dir, 'README.md'));
  return `types import ${imported.join(', ') || 'nothing'} from npm`;
}

async function stageCli(dir) {
  const template = readJson(join(root, 'apps/cli/package.json'));
  const bin = join(dir, template.bin.voxq);
  const { metafile } = await build({
    ...common,
    entryPoints: [join(root, 'apps/cli/src/tenant.main.ts')],
    outfile: bin,
    // An ESM bundle calls `require` for the CommonJS packages in it (standardwebhooks): give it one.
    banner: {
      js: `#!/usr/bin/env node\nimport { createRequire as voxqCreateRequire } from 'node:module';\nconst require = voxqCreateRequire(import.meta.url);`,
    },
  });
  const inside = bundledPackages(metafile);
  // The operator's commands (and with them the server's Redis and queue clients) must not leak in.
  const serverSide = inside.filter((name) => ['ioredis', 'bullmq', 'express', 'pg'].includes(name));
  if (serverSide.length) throw new Error(`build-packages: the CLI bundle pulled in ${serverSide.join(', ')}`);
  chmodSync(bin, 0o755);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(template, null, 2)}\n`);
  copyFileSync(join(root, 'apps/cli/README.md'), join(dir, 'README.md'));
  return `bundles ${inside.join(', ')}`;
}

/** `npm pack` of a staged folder into dist/packages/; returns the tarball's path. */
function pack(dir) {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', dir, '--pack-destination', outDir, '--json', '--ignore-scripts', '--silent'], { encoding: 'utf8' }),
  );
  return join(outDir, filename);
}

const scratch = mkdtempSync(join(tmpdir(), 'voxq-packages-'));
try {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [name, stage] of [
    ['sdk', (dir) => stageSdk(dir, scratch)],
    ['cli', stageCli],
  ]) {
    const dir = join(scratch, name);
    const note = await stage(dir);
    const tarball = pack(dir);
    console.log(`${relative(root, tarball)}  ${Math.round(statSync(tarball).size / 1024)} kB  (${note})`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
