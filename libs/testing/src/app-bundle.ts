import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../../..');

/** Apps bundled for one test file, each in its own folder so parallel files never share a bundle. */
export interface AppBundles {
  /** `node <path>` runs the app. */
  path(app: string): string;
  remove(): Promise<void>;
}

/**
 * Bundles apps (`apps/<app>/src/main.ts`) as `tools/build-app.mjs` does, into a folder of this
 * test's own under node_modules/.cache, for tests that run the real processes.
 */
export async function bundleApps(apps: readonly string[], label: string): Promise<AppBundles> {
  const outDir = join(ROOT, 'node_modules/.cache', `voxq-${label}-${randomUUID()}`);
  const path = (app: string) => join(outDir, app, 'main.js');
  await Promise.all(
    apps.map((app) =>
      build({
        entryPoints: [join(ROOT, `apps/${app}/src/main.ts`)],
        outfile: path(app),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        tsconfig: join(ROOT, 'tsconfig.base.json'),
        // As tools/build-app.mjs: stores' Lua scripts are imported as their text.
        loader: { '.lua': 'text', '.sql': 'text' },
        logLevel: 'warning',
      }),
    ),
  );
  return { path, remove: () => rm(outDir, { recursive: true, force: true }) };
}
