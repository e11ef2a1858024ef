import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess } from '@voxq/jobs';
import { startSimulatedStack, type SimulatedStack } from '@voxq/testing';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a server-sent event stream to its end. */
async function readEvents(url: string, apiKey: string, onOpen: () => Promise<void>): Promise<SseEvent[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  await onOpen();
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? 'message';
      return { event, data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Record<string, unknown> };
    });
}

/** `GET /v1/jobs/:id/events`: a job's life, in order, as server-sent events. */
describe('live job events', () => {
  let stack: SimulatedStack;
  let apiKey: string;

  beforeAll(async () => {
    // No worker until the stream is open, so every event of the job is seen.
    stack = await startSimulatedStack({ JOB_BACKOFF_MS: '10' }, { worker: false });
    apiKey = (await stack.createKey('events-tenant')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('streams started, provider attempts, a retry and completion in order', async () => {
    const created = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'events' }] } });
    const id = created.body['id'] as string;
    // The only provider fails the first call: the attempt fails and is retried.
    stack.simulator.enqueueFaults([{ status: 503 }]);
    let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
    try {
      const events = await readEvents(`${stack.url}/v1/jobs/${id}/events`, apiKey, async () => {
        worker = await startWorkerProcess(stack.config, stack.logger, { batches: false });
      });
      expect(events.map((e) => e.event)).toEqual(['job', 'started', 'provider_attempt', 'attempt_failed', 'started', 'provider_attempt', 'completed']);
      expect(events[0]!.data).toMatchObject({ id, status: 'queued' });
      expect(events[1]!.data).toMatchObject({ type: 'started', attempt: 1, at: expect.any(String) });
      expect(events[2]!.data).toMatchObject({ type: 'provider_attempt', provider: 'openai', error: { code: expect.any(String) } });
      expect(events[3]!.data).toMatchObject({ type: 'attempt_failed', attempt: 1, willRetry: true });
      expect(events[4]!.data).toMatchObject({ type: 'started', attempt: 2 });
      expect(events[5]!.data).toMatchObject({ type: 'provider_attempt', provider: 'openai' });
      expect(events[5]!.data['error']).toBeUndefined();
      expect(events[6]!.data).toMatchObject({ id, status: 'completed', result: { text: 'Simulated reply to: events' } });
    } finally {
      await worker?.close();
    }
  });

  it('answers a finished job at once, and 404 for another tenant or an unknown job', async () => {
    const worker = await startWorkerProcess(stack.config, stack.logger, { batches: false });
    try {
      const created = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'done' }] } });
      const id = created.body['id'] as string;
      await stack.waitForJob(apiKey, id);
      const events = await readEvents(`${stack.url}/v1/jobs/${id}/events`, apiKey, async () => undefined);
      expect(events.map((e) => e.event)).toEqual(['job', 'completed']);
      const other = (await stack.createKey('events-other')).apiKey;
      expect((await stack.request(other, 'GET', `/v1/jobs/${id}/events`)).status).toBe(404);
      expect((await stack.request(apiKey, 'GET', '/v1/jobs/job_00000000000000000000000000000000/events')).status).toBe(404);
    } finally {
      await worker.close();
    }
  });
});
