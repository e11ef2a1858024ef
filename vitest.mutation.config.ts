import { readFileSync } from 'node:fs';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import workspace from './vitest.config';

/**
 * The unit project narrowed to the mutated modules' own specs, for Stryker
 * (stryker.config.mjs): a module `dir/name.ts` is judged by `dir/name.spec.ts` and
 * `dir/name.*.spec.ts` (`name.property.spec.ts`, say), never by integration specs. No Redis
 * or S3, and few enough files that a static mutant (one in a module-level table such as
 * the URL guard's ranges), which runs every included spec, costs about a second.
 * tools/mutation.mjs runs Stryker once per lib (`MUTATION_LIB`): then the specs of that lib's
 * listed modules, all of them whichever modules a change touched, so a module scores the
 * same in a narrowed run as in a full one.
 */
const unit = workspace.test?.projects?.find((p): p is TestProjectInlineConfiguration => typeof p === 'object' && 'test' in p && p.test?.name === 'unit');
if (!unit) throw new Error("vitest.config.ts has no 'unit' project");

const { modules } = JSON.parse(readFileSync(new URL('./tools/mutation-modules.json', import.meta.url), 'utf8')) as { modules: string[] };
const lib = process.env['MUTATION_LIB'];
const judged = lib ? modules.filter((module) => module.startsWith(`${lib}/`)) : modules;
const ownSpecs = (module: string) => [module.replace(/\.ts$/, '.spec.ts'), module.replace(/\.ts$/, '.*.spec.ts')];

export default defineConfig({ ...unit, test: { ...unit.test, name: undefined, include: judged.flatMap(ownSpecs) } });
