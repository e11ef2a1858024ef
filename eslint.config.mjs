import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Libs only depend downward: app → feature → data-access → domain → util.
const layers = {
  'type:app': ['type:feature', 'type:data-access', 'type:domain', 'type:util'],
  'type:feature': ['type:data-access', 'type:domain', 'type:util'],
  'type:data-access': ['type:data-access', 'type:domain', 'type:util'],
  'type:domain': ['type:domain', 'type:util'],
  'type:util': ['type:util'],
  'type:testing': ['type:feature', 'type:data-access', 'type:domain', 'type:util', 'type:testing'],
};

// Scopes say which process a lib serves. Shared libs serve several processes and depend only
// on shared ones; a process's libs use their own and the shared ones. So the HTTP lib
// (scope:api) never reaches the worker or the dispatcher, and neither does express.
const scopes = {
  'scope:api': ['scope:api', 'scope:shared'],
  'scope:worker': ['scope:worker', 'scope:shared'],
  'scope:dispatcher': ['scope:dispatcher', 'scope:shared'],
  'scope:shared': ['scope:shared'],
  'scope:client': ['scope:client', 'scope:shared'],
  'scope:cli': ['scope:cli', 'scope:client', 'scope:shared'],
  'scope:simulator': ['scope:simulator', 'scope:shared'],
  // The tenant console runs in a browser: the shared contracts (their types), nothing of a server.
  'scope:console': ['scope:console', 'scope:shared'],
  // The test harness starts whole stacks (api, worker, dispatcher), and e2e drives them.
  'scope:testing': ['scope:api', 'scope:worker', 'scope:dispatcher', 'scope:shared', 'scope:simulator', 'scope:testing'],
  'scope:e2e': ['scope:api', 'scope:worker', 'scope:dispatcher', 'scope:shared', 'scope:client', 'scope:cli', 'scope:simulator', 'scope:testing'],
};
/** Only the HTTP process's libs may use the HTTP framework and its admin UI. */
const httpPackages = ['express', '@bull-board/*'];

/** Tests may also use the testing lib (and the vendor simulator); production code never may. */
const boundaries = (allowTesting) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    allow: [],
    depConstraints: [
      ...Object.entries(layers).map(([sourceTag, tags]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: allowTesting ? [...new Set([...tags, 'type:testing'])] : tags,
      })),
      ...Object.entries(scopes).map(([sourceTag, tags]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: allowTesting ? [...new Set([...tags, 'scope:testing', 'scope:simulator'])] : tags,
      })),
      ...['scope:worker', 'scope:dispatcher', 'scope:shared'].map((sourceTag) => ({ sourceTag, bannedExternalImports: httpPackages })),
      // The client SDK ships to users: it may use the shared contracts, nothing of the server.
      { sourceTag: 'scope:client', onlyDependOnLibsWithTags: allowTesting ? ['type:domain', 'type:testing'] : ['type:domain'] },
    ],
  },
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/.voxq/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
];
