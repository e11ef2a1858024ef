import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from '@voxq/jobs';
import { startS3rver, startSimulatedStack, type SimulatedStack, type TestS3 } from '@voxq/testing';
import { readmeBlock, runPasted } from './readme-blocks';

/**
 * The README's bucket-drop walk-through, run as pasted in the walk-through's shell against what
 * `npm start` runs: a stack with a drop poller at the default interval, and an s3rver of its own
 * with bucket `voxq` (the example drops with unsigned curl, which only s3rver takes). Only
 * `VOXQ_URL` and `S3_URL` differ, with the walk-through's `KEY` (tenant `demo`).
 */
describe('README: the bucket-drop walk-through', () => {
  let s3: TestS3;
  let stack: SimulatedStack;
  let poller: WorkerProcess;

  beforeAll(async () => {
    s3 = await startS3rver('voxq');
    stack = await startSimulatedStack({
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    poller = await startWorkerProcess(stack.config, stack.logger, { jobs: false, batches: false, drops: true });
  });
  afterAll(async () => {
    await poller?.close();
    await stack?.close();
    await s3?.stop();
  });

  it('runs as pasted: a rule, a dropped file, its transcript and done marker in the output folder', async () => {
    const { lang, source } = readmeBlock('drops-walkthrough');
    expect(lang).toBe('sh');
    const env = { ...process.env, VOXQ_URL: stack.url, S3_URL: `${s3.endpoint}/voxq`, KEY: (await stack.createKey('demo')).apiKey };
    const { code, output } = await runPasted(source, { env, timeoutMs: 180_000 });
    expect(code, output).toBe(0);
    expect(output).toMatch(/"object":"drop_rule"/);
    // The result (a transcript with its provider), then the marker that says it is complete.
    expect(output).toMatch(/"text": "[^"]*",.*"provider": "\w/s);
    expect(output).toMatch(/"object": "drop_done",\s+"jobId": "job_[0-9a-f]+",.*"status": "completed"/s);
  }, 200_000);
});
