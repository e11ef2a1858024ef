#!/usr/bin/env node
// `npm run test:mutation [-- --all] [-- --base <commit>]`: Stryker over the modules in
// tools/mutation-modules.json (docs/testing.md#mutation-testing).
//
// Without --all it mutates only the listed modules a change touches: the change is
// `git diff <base>` plus untracked files, where <base> is --base, else $MUTATION_BASE, else
// HEAD's first parent (on main, a merge commit's first parent is main before the merge, so
// the diff is the whole merged branch). A module is touched when it or one of its own specs
// (`name.spec.ts`, `name.*.spec.ts` beside it) changed. A change to the list or to the
// mutation tooling, or no base to diff against (a shallow clone), mutates them all.
//
// It runs Stryker once per lib (reports in reports/mutation/<lib>/), then prints each
// module's score and fails when one is under `breakPerModule` (Stryker's own
// `thresholds.break` applies to a run's total only).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const LIST = 'tools/mutation-modules.json';
/** Files whose change can move every module's score: the list, Stryker's setup, the test runner. */
const TOOLING = [LIST, 'stryker.config.mjs', 'vitest.mutation.config.ts', 'vitest.config.ts', 'tools/mutation.mjs', 'package-lock.json'];

process.chdir(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const { modules, breakPerModule } = JSON.parse(readFileSync(LIST, 'utf8'));

const git = (...gitArgs) => execFileSync('git', gitArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const lines = (text) => text.split('\n').filter(Boolean);

function baseCommit() {
  const wanted = option('--base') ?? process.env.MUTATION_BASE ?? 'HEAD^1';
  try {
    return git('rev-parse', '--verify', '--quiet', `${wanted}^{commit}`);
  } catch {
    return null;
  }
}

const isOwnSpec = (module, file) => {
  const name = basename(module, '.ts');
  return (
    dirname(file) === dirname(module) &&
    (basename(file) === `${name}.spec.ts` || (basename(file).startsWith(`${name}.`) && file.endsWith('.spec.ts') && !file.endsWith('.int.spec.ts')))
  );
};

function modulesToMutate() {
  if (args.includes('--all')) return { chosen: modules, why: '--all' };
  const base = baseCommit();
  if (!base) return { chosen: modules, why: 'no base commit to diff against (shallow clone or first commit): all modules' };
  const changed = [...lines(git('diff', '--name-only', base)), ...lines(git('ls-files', '--others', '--exclude-standard'))];
  const short = base.slice(0, 12);
  const tooling = TOOLING.filter((file) => changed.includes(file));
  if (tooling.length) return { chosen: modules, why: `${tooling.join(', ')} changed since ${short}: all modules` };
  const chosen = modules.filter((module) => changed.some((file) => file === module || isOwnSpec(module, file)));
  return { chosen, why: `changed since ${short}` };
}

const { chosen, why } = modulesToMutate();
console.log(`mutation: ${chosen.length} of ${modules.length} modules (${why})`);
if (chosen.length === 0) process.exit(0);

// One Stryker run per lib: a static mutant runs that lib's specs only, not every listed module's.
const libOf = (module) => module.split('/').slice(0, 2).join('/');
const libs = [...new Set(chosen.map(libOf))];
let failed = false;
const rows = [];
for (const lib of libs) {
  const mutate = chosen.filter((module) => libOf(module) === lib);
  console.log(`\nmutation: ${lib} (${mutate.join(', ')})`);
  const report = `reports/mutation/${lib.replace(/^libs\//, '')}/mutation.json`;
  rmSync(report, { force: true });
  const stryker = spawnSync('npx', ['stryker', 'run', '--mutate', mutate.join(',')], { stdio: 'inherit', env: { ...process.env, MUTATION_LIB: lib } });
  failed ||= stryker.status !== 0;
  if (existsSync(report)) rows.push(...scores(JSON.parse(readFileSync(report, 'utf8'))));
  else failed = true;
}

/** Stryker's score per file: detected (killed or timed out) over all judged; no coverage counts as survived. */
function scores(report) {
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
    const killed = count('Killed', 'Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    const judged = killed + survived + noCoverage;
    return { file, score: judged ? (100 * killed) / judged : 100, killed, survived, noCoverage };
  });
}

console.log('\n| module | score | killed | survived | no coverage |\n| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| \`${r.file}\` | ${r.score.toFixed(1)}% | ${r.killed} | ${r.survived} | ${r.noCoverage} |`);
const low = rows.filter((r) => r.score < breakPerModule);
if (low.length) console.error(`\nmutation: under ${breakPerModule}%: ${low.map((r) => r.file).join(', ')}`);
process.exit(failed || low.length ? 1 : 0);
