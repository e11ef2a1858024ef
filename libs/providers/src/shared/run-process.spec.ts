import { describe, expect, it } from 'vitest';
import { runProcess } from './run-process';
import { Semaphore } from './semaphore';

const base = { provider: 'test-engine', installHint: 'apt-get install -y test-engine', limiter: new Semaphore(2) };

describe('runProcess', () => {
  it('feeds stdin and returns stdout, stderr and the exit code', async () => {
    const result = await runProcess({
      ...base,
      bin: 'sh',
      args: ['-c', 'cat; echo oops >&2; exit 3'],
      stdin: '--not-a-flag',
      signal: new AbortController().signal,
    });
    expect(result.stdout.toString()).toBe('--not-a-flag');
    expect(result.stderr).toBe('oops\n');
    expect(result.exitCode).toBe(3);
  });

  it('maps a missing binary to provider_misconfigured with the install hint', async () => {
    const run = runProcess({ ...base, bin: 'voxq-no-such-binary', args: [], signal: new AbortController().signal });
    await expect(run).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      retryable: false,
      message: 'test-engine: voxq-no-such-binary is not installed: apt-get install -y test-engine',
    });
  });

  it('kills the child on a timeout and reports the provider unavailable', async () => {
    const started = Date.now();
    const run = runProcess({ ...base, bin: 'sleep', args: ['30'], signal: AbortSignal.timeout(100) });
    await expect(run).rejects.toMatchObject({ code: 'provider_unavailable', failover: true, retryable: true });
    // Far below the 30 s the child would sleep: a wide bound holds on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a cancellation when the job signal aborts', async () => {
    const controller = new AbortController();
    const run = runProcess({ ...base, bin: 'sleep', args: ['30'], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ code: 'job_cancelled' });
  });

  it('runs no more children at once than the limiter allows', async () => {
    const limiter = new Semaphore(1);
    const signal = new AbortController().signal;
    const started = Date.now();
    await Promise.all([0, 1, 2].map(() => runProcess({ ...base, limiter, bin: 'sleep', args: ['0.2'], signal })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });
});
