import { spawn } from 'node:child_process';
import { errors } from '@voxq/errors';
import { abortError } from './abort';
import type { Semaphore } from './semaphore';

export interface RunProcessOptions {
  /** Provider name, for error messages. */
  provider: string;
  bin: string;
  /** Fixed arguments only: user text goes through `stdin`, where it can never be read as a flag. */
  args: readonly string[];
  stdin?: Buffer | string;
  /** Kills the child (SIGKILL) when it fires. */
  signal: AbortSignal;
  /** Waits for a slot before spawning. */
  limiter: Semaphore;
  /** How to install `bin` when it is missing, e.g. `apt-get install -y sox`. */
  installHint: string;
  /**
   * Stdout beyond this is a runaway process, not a result.
   * @defaultValue 256 MiB
   */
  maxStdoutBytes?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  stdout: Buffer;
  /** The last few KiB of stderr, enough to explain a failure. */
  stderr: string;
}

const STDERR_KEEP = 8 * 1024;

/**
 * Runs a local engine: waits for a limiter slot, feeds stdin, collects stdout, and kills the
 * child if the call is aborted. Resolves with any exit code (the caller decides what a
 * failure means); rejects with an AppError for a missing binary, an abort or runaway output.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { provider, bin, signal } = options;
  const maxStdout = options.maxStdoutBytes ?? 256 * 1024 * 1024;
  let release: () => void;
  try {
    release = await options.limiter.acquire(signal);
  } catch {
    throw abortError(provider, signal);
  }
  try {
    return await new Promise<ProcessResult>((resolve, reject) => {
      if (signal.aborted) return reject(abortError(provider, signal));
      const child = spawn(bin, options.args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let failure: Error | undefined;

      const kill = (error: Error) => {
        failure ??= error;
        child.kill('SIGKILL');
      };
      const onAbort = () => kill(abortError(provider, signal));
      signal.addEventListener('abort', onAbort, { once: true });

      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxStdout) return kill(errors.providerUnavailable(provider, `${bin} wrote more than ${maxStdout} bytes`));
        stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
      });
      // The child may exit before reading all its input; its exit code tells the story, not EPIPE.
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        failure ??=
          error.code === 'ENOENT'
            ? errors.providerMisconfigured(provider, `${bin} is not installed: ${options.installHint}`, error)
            : errors.providerUnavailable(provider, `could not run ${bin}: ${error.message}`, error);
      });
      child.on('close', (exitCode) => {
        signal.removeEventListener('abort', onAbort);
        if (failure) reject(failure);
        else resolve({ exitCode, stdout: Buffer.concat(stdout), stderr });
      });
      child.stdin.end(options.stdin ?? '');
    });
  } finally {
    release();
  }
}
