import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSimulatedStack, type SimulatedStack, redisEnv } from '@voxq/testing';
import { readmeBlock, runPasted } from './readme-blocks';

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
    const { lang, source } = readmeBlock('shell-walkthrough');
    expect(lang).toBe('sh');
    const env = {
      ...process.env,
      VOXQ_URL: stack.url,
      ...redisEnv(stack.config),
      RECEIVER_PORT: String(await freePort()),
    };
    // The receiver it started keeps running (the later examples use it): three jobs, three webhooks.
    const webhooks = (output: string) => output.match(/"type":"job\.completed"/g)?.length ?? 0;
    const { code, output } = await runPasted(source, { env, settled: (out) => webhooks(out) >= 3 });
    expect(code, output).toBe(0);
    expect(output).toContain('signature OK');
    expect(output).not.toContain('signature INVALID');
    expect(webhooks(output), output).toBe(3);
    // Step 4's answer: the transcribe job, queued.
    expect(output).toMatch(/"type":"transcribe"/);
  }, 150_000);
});
