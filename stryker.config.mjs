// Mutation testing of the security and correctness core (docs/testing.md). The modules are
// listed once, in tools/mutation-modules.json; tools/mutation.mjs narrows them to the ones a
// change touches (`npm run test:mutation`) or runs them all (`npm run test:mutation -- --all`).
import { readFileSync } from 'node:fs';

const { modules } = JSON.parse(readFileSync(new URL('./tools/mutation-modules.json', import.meta.url), 'utf8'));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: modules,
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  // tsc and ESLint already check types; a mutant that does not compile simply fails its tests.
  checkers: [],
  coverageAnalysis: 'perTest',
  // 2 cores, shared with other CI work.
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench-results', 'test-artifacts', '.voxq', 'infra', 'docs'],
  cleanTempDir: 'always',
};
