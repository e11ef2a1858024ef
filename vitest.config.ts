import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

// The tsconfig path aliases (`@voxq/<lib>`), so tests import libs as the apps do.
const { compilerOptions } = JSON.parse(readFileSync('tsconfig.base.json', 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(import.meta.dirname, target as string)]));

/**
 * Lua scripts are files beside their stores, imported as text (`import lua from './x.lua'`),
 * as esbuild's `.lua: text` loader does for the apps (tools/build-app.mjs); so are the history
 * tier's SQL migrations (`.sql`).
 */
const luaText: Plugin = {
  name: 'voxq-lua-text',
  enforce: 'pre',
  load(id) {
    const path = id.split('?')[0] as string;
    return path.endsWith('.lua') || path.endsWith('.sql') ? { code: `export default ${JSON.stringify(readFileSync(path, 'utf8'))};`, map: null } : null;
  },
};

export default defineConfig({
  plugins: [luaText],
  resolve: { alias },
  test: {
    // 2 cores: keep parallelism modest so timing-sensitive integration tests stay stable.
    maxWorkers: 2,
    projects: [
      {
        plugins: [luaText],
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{apps,libs}/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
        },
      },
      {
        plugins: [luaText],
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['{apps,libs}/**/*.int.spec.ts'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
