/**
 * Each app's Node flags (apps/node-args.json; tools/lib/app-node-args.mjs says why) are what
 * the image's entrypoint gives it: a process the tests and the bench measure runs as deployed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ARGS = JSON.parse(readFileSync('apps/node-args.json', 'utf8')) as Record<string, string[]>;
/** The entrypoint's shell script, run with `node` replaced by `echo`: the command each app gets. */
const ENTRYPOINT = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(readFileSync('Dockerfile', 'utf8'))![1]!) as string[];

const commandOf = (app: string) => {
  const [shell, flag, script, ...rest] = ENTRYPOINT;
  const echoed = script!.replace('exec node', 'exec echo node');
  return execFileSync(shell!, [flag!, echoed, ...rest, 'extra'], { env: { PATH: process.env.PATH, VOXQ_APP: app }, encoding: 'utf8' }).trim();
};

describe("the image's entrypoint", () => {
  it.each(['api', 'worker', 'dispatcher', 'simulator'])('starts %s with its flags from apps/node-args.json', (app) => {
    expect(commandOf(app)).toBe(['node', '--enable-source-maps', ...(ARGS[app] ?? []), `dist/apps/${app}/main.js`, 'extra'].join(' '));
  });
});
