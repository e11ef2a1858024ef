import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@voxq/testing';

/** The clone's folder: where the README tells users to paste its examples. */
export const REPO_ROOT = join(__dirname, '../../..');

/** How the README says to run its JavaScript examples (stdin is the pasted example). */
export const RUN_JS = 'cat | node --input-type=module';
/**
 * How the README says to run its `@voxq/sdk` TypeScript examples: from the folder the packages
 * were installed in, the types stripped by the clone's esbuild (`VOXQ_CLONE`, which the
 * README's install block sets), `@voxq/sdk` imported from that folder's node_modules.
 */
export const RUN_SDK_TS = 'cat | "$VOXQ_CLONE/node_modules/.bin/esbuild" --loader=ts --log-level=warning | node --input-type=module';

/** The fenced block right after the README's `<!-- name: … -->` marker, as a user copies it. */
export function readmeBlock(name: string): { lang: string; source: string } {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- ${name}:`);
  if (at < 0) throw new Error(`README: no <!-- ${name}: … --> marker`);
  const block = /```(\w+)\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README: no code block after the ${name} marker`);
  return { lang: block[1]!, source: block[2]! };
}

export function readmeText(): string {
  return readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
}

export interface PasteOptions {
  env: NodeJS.ProcessEnv;
  /** The folder the terminal is in; the clone's by default. */
  cwd?: string;
  /** What the user pastes into the command's stdin (a JavaScript example), if anything. */
  input?: string;
  /**
   * After the command exits, wait until the output shows this (what a background process it
   * started, such as the walk-through's receiver, still has to print).
   */
  settled?: (output: string) => boolean;
  timeoutMs?: number;
}

export interface Pasted {
  code: number | null;
  /** stdout and stderr, interleaved as a terminal shows them. */
  output: string;
}

export interface PastedRun {
  /** Resolves once the command has exited and what it left running has been stopped. */
  done: Promise<Pasted>;
  /** Stops it and everything it started, as Ctrl-C and closing the terminal would (a server it runs). */
  stop(): void;
}

/**
 * Starts `bash -e -c <command>` from the clone's folder (or `cwd`), as a user pastes it into a terminal
 * (`-e`: a failing step fails the run). It runs in a process group of its own, stopped once it
 * has exited (and `settled` holds), as closing the terminal stops what it left running.
 */
export function startPasted(command: string, { env, cwd = REPO_ROOT, input, settled, timeoutMs = 120_000 }: PasteOptions): PastedRun {
  const child = spawn('bash', ['-e', '-c', command], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stdin.end(input ?? '');
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // The group has no process left.
    }
  };
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const done = new Promise<Pasted>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`still running after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      void (async () => {
        if (settled) await eventually(() => settled(output) || undefined, 30_000, 'the output to settle').catch(() => undefined);
        stop();
        await closed;
        resolve({ code, output });
      })();
    });
  });
  return { done, stop };
}

/** `startPasted`, awaited: its exit status and output. */
export function runPasted(command: string, options: PasteOptions): Promise<Pasted> {
  return startPasted(command, options).done;
}
