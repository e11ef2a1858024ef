import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSimulatedStack, startTcpProxy, testConfig, type SimulatedStack, type TcpProxy, jsonLogLines } from '@voxq/testing';

const JOBS = 3;
/** Longer than three attempts take with this suite's backoff (0 s, 0.5 s, 1.5 s): before the fix, every job failed within it. */
const OUTAGE_AFTER_PROVIDER_MS = 5_000;

const pinned = { constraints: { allowedProviders: { tts: ['openai'] } } };
const synthesize = (text: string) => ({ type: 'synthesize', input: { text }, ...pinned });

/**
 * S3 goes away between the provider's answer and the upload of the result (issue 15, point 3:
 * a 4-second outage failed synthesize jobs for good, each retry calling and billing the
 * provider again). The worker keeps the audio and retries the upload on its own schedule: the
 * provider is called once per job, the job keeps its first attempt, and the audio is stored.
 */
describe('an S3 outage while results are stored', () => {
  let stack: SimulatedStack;
  let s3: TcpProxy;
  let key: string;
  const { destination: logs, lines } = jsonLogLines<{ msg: string; jobId?: string; outcome?: string }>();

  beforeAll(async () => {
    s3 = await startTcpProxy(testConfig().s3.endpoint!);
    stack = await startSimulatedStack({ S3_ENDPOINT: s3.url, JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '500', LOG_LEVEL: 'info' }, { logDestination: logs });
    key = (await stack.createKey(`outage-${Date.now()}`)).apiKey;
  });
  afterAll(async () => {
    await s3?.up().catch(() => undefined);
    await stack?.close();
    await s3?.close();
  });

  const speechCalls = () => stack.simulator.requests('openai').filter((r) => r.path.endsWith('/audio/speech')).length;

  it('keeps each result the provider made and stores it when S3 is back, without calling the provider again or using an attempt', async () => {
    const before = speechCalls();
    await s3.down();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const submitted = await stack.request(key, 'POST', '/v1/jobs', synthesize(`Stored after the outage, number ${i}.`));
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      ids.push(submitted.body.id as string);
    }
    // Every provider call has been answered; the uploads now meet a store that is away.
    await eventually(() => (speechCalls() - before >= JOBS ? true : undefined), 30_000, 'the provider to make every job its audio');
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_AFTER_PROVIDER_MS));
    for (const id of ids) expect((await stack.request(key, 'GET', `/v1/jobs/${id}`)).body.status).toBe('active');
    await s3.up();

    for (const id of ids) {
      const done = await stack.waitForJob(key, id, 60_000);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(done.attempts).toBe(1);
      const audio = await stack.request(key, 'GET', `/v1/jobs/${id}/result`);
      expect(audio.status).toBe(200);
      expect(audio.raw.length).toBeGreaterThan(0);
    }
    expect(speechCalls() - before).toBe(JOBS);
    // One warning for the outage and one line for its end, however many jobs waited.
    expect(lines.filter((l) => l.msg.startsWith('object storage unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'object storage available again')).toHaveLength(1);
  });

  it('lets a job waiting for S3 be cancelled at once', async () => {
    await s3.down();
    const before = speechCalls();
    const submitted = await stack.request(key, 'POST', '/v1/jobs', synthesize('Cancelled while S3 is away.'));
    const id = submitted.body.id as string;
    await eventually(() => (speechCalls() > before ? true : undefined), 30_000, 'the provider to answer');
    expect((await stack.request(key, 'DELETE', `/v1/jobs/${id}`)).status).toBe(200);
    // The worker's attempt ends while S3 is still away, far inside the retry window (10 minutes).
    await eventually(() => lines.find((l) => l.jobId === id && l.msg === 'job attempt cancelled'), 30_000, 'the attempt to end');
    expect((await stack.waitForJob(key, id)).status).toBe('cancelled');
    await s3.up();
  });
});
