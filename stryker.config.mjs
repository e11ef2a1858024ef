// Mutation testing of the security and correctness core (docs/testing.md). The modules are
// listed once, in tools/mutation-modules.json; tools/mutation.mjs narrows them to the ones a
// change touches (`npm run test:mutation`) or runs them all (`npm run test:mutation -- --all`).
import { readFileSync } from 'node:fs';

const { modules } = JSON.parse(readFileSync(new URL('./tools/mutation-modules.json', import.meta.url), 'utf8'));
// tools/mutation.mjs runs one lib at a time (`MUTATION_LIB=libs/url-guard`): a static mutant
// then runs only that lib's specs (vitest.mutation.config.ts), and each lib gets its report.
const lib = process.env.MUTATION_LIB;
const reportDir = lib ? `reports/mutation/${lib.replace(/^libs\//, '')}` : 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: lib ? modules.filter((module) => module.startsWith(`${lib}/`)) : modules,
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
  // The score table and each surviving mutant, not every test.
  clearTextReporter: { logTests: false },
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['apps', 'dist', 'coverage', 'reports', 'bench-results', 'test-artifacts', '.voxq', 'infra', 'docs'],
  cleanTempDir: 'always',
};
