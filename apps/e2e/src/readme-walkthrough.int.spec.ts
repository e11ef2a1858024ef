import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const MARKER = '<!-- shell-walkthrough';

/** The README's shell walk-through, as a user pastes it. */
function walkthrough(): string {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(MARKER)));
  if (!block) throw new Error('README: no sh block after the shell walk-through marker');
  return block[1]!;
}

/**
 * The README's walk-through run as pasted, against a running stack: only `VOXQ_URL` differs
 * (and where the key commands find that stack's Redis, which `npm start` reads from .env, and
 * a free port for the receiver, as two runs may share this machine).
 */
describe('README: the shell walk-through', () => {
  let stack: SimulatedStack;

  beforeAll(async () => {
    stack = await startSimulatedStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs as pasted: a key, a signed webhook per job, the audio downloaded and transcribed back', async () => {
    const env = {
      ...process.env,
      VOXQ_URL: stack.url,
      REDIS_URL: stack.config.redis.url,
      REDIS_PREFIX: stack.config.redis.prefix,
      RECEIVER_PORT: String(await freePort()),
    };
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile('bash', ['-e', '-c', walkthrough()], { env, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });
    expect(code, output).toBe(0);
    expect(output).toContain('signature OK');
    expect(output).not.toContain('signature INVALID');
    expect(output).toMatch(/"type":"job\.completed"/);
    // Step 4's answer: the transcribe job, queued.
    expect(output).toMatch(/"type":"transcribe"/);
  }, 150_000);
});
