// Type declarations for a package built from one lib: tsc emits the lib's and every workspace
// lib it reaches (@voxq/contracts, which reaches @voxq/errors), then each file moves into the
// package (the lib's own at dist/, the others at dist/internal/<lib>/) with its import
// specifiers rewritten to relative `.js` paths, so a consumer's TypeScript (`nodenext` too)
// resolves every type inside the package and no `@voxq/*` path is left. No d.ts bundler is
// needed, and the contract types stay the very declarations the server compiles against.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Every `*.d.ts` under `dir`, as paths relative to it. */
function declarationFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) return declarationFiles(dir, path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `zod` of `zod/v4/core`, `@scope/name` of `@scope/name/sub`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Emits the declarations of `lib` (a folder under libs/) and of the workspace libs it imports
 * into `packageDir`/dist. Throws when a declaration imports an npm package outside
 * `dependencies`, or a path it cannot place.
 */
export function writePackageDeclarations({ root, lib, packageDir, scratchDir, dependencies }) {
  const emitted = join(scratchDir, 'declarations');
  const tsconfig = join(scratchDir, 'tsconfig.declarations.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: root,
        outDir: emitted,
        // This config lives outside the clone, so @types/node is named where it is.
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: [join(root, 'libs', lib, 'src/index.ts')],
    }),
  );
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });

  // Where each emitted file goes: libs/<lib>/src/x.d.ts → dist/x.d.ts, another lib's → dist/internal/<it>/x.d.ts.
  const placeOf = (emittedPath) => {
    const [libs, name, src, ...rest] = relative(emitted, emittedPath).split(sep);
    if (libs !== 'libs' || src !== 'src') throw new Error(`declarations: ${emittedPath} is not a workspace lib's source`);
    return join(packageDir, 'dist', ...(name === lib ? [] : ['internal', name]), ...rest);
  };
  const located = (base) => [`${base}.d.ts`, join(base, 'index.d.ts')].find((path) => existsSync(path));

  const imported = new Set();
  for (const file of declarationFiles(emitted)) {
    const from = join(emitted, file);
    const to = placeOf(from);
    const rewrite = (specifier) => {
      let target;
      if (specifier.startsWith('.')) target = located(resolve(dirname(from), specifier.replace(/\.js$/, '')));
      else if (specifier.startsWith('@voxq/')) target = located(join(emitted, 'libs', specifier.slice('@voxq/'.length), 'src/index'));
      else {
        if (!Object.hasOwn(dependencies, packageOf(specifier)))
          throw new Error(`declarations: ${file} imports '${specifier}', which is not among the package's dependencies`);
        imported.add(packageOf(specifier));
        return specifier;
      }
      if (!target) throw new Error(`declarations: ${file} imports '${specifier}', which was not emitted`);
      const path = relative(dirname(to), placeOf(target))
        .split(sep)
        .join('/')
        .replace(/\.d\.ts$/, '.js');
      return path.startsWith('.') ? path : `./${path}`;
    };
    // `from '…'`, `import('…')` and `import '…'`: every way a declaration names a module.
    const text = readFileSync(from, 'utf8').replace(/(\b(?:from|import)\s*\(?\s*)(['"])([^'"\n]+)\2/g, (_, lead, quote, specifier) => {
      return `${lead}${quote}${rewrite(specifier)}${quote}`;
    });
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }
  return { imported: [...imported].sort() };
}
