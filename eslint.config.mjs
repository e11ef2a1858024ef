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

/** Tests may also use the testing lib; production code never may. */
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
      // The client SDK ships to users: it may use the shared contracts, nothing of the server.
      { sourceTag: 'scope:client', onlyDependOnLibsWithTags: allowTesting ? ['type:domain', 'type:testing'] : ['type:domain'] },
    ],
  },
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/.voxq/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
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
