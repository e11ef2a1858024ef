import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedStack, startWebhookReceiver, type SimulatedStack } from '@voxq/testing';

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  result?: { provider: string; timings: { queuedMs: number } };
  error?: { code: string };
}

const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });
const jobIdOf = (completionId: string) => completionId.replace(/^chatcmpl-/, '');

/**
 * Synchronous chat calls run in the api itself (docs/architecture.md, "Synchronous calls"):
 * these stacks have no worker, so a call that answers was not queued, and one that was
 * queued waits out `API_OPENAI_WAIT_MS` (2 s here) and gets the 504 naming its job.
 */
describe('synchronous chat calls run inline', () => {
  let stack: SimulatedStack;
  let client: OpenAI;
  let apiKey: string;
  const job = async (id: string) => (await stack.request(apiKey, 'GET', `/v1/jobs/${id}`)).body as unknown as JobBody;

  beforeAll(async () => {
    stack = await startSimulatedStack({ API_OPENAI_WAIT_MS: '2000' }, { worker: false });
    ({ apiKey } = await stack.createKey('inline-tenant'));
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers without a worker, and leaves the finished job: listed, charged once, its usage counted', async () => {
    const completion = await client.chat.completions.create(ask('Inline, please.'));
    expect(completion.choices[0]!.message.content).toBe('Simulated reply to: Inline, please.');
    const id = jobIdOf(completion.id);
    expect(await job(id)).toMatchObject({ id, status: 'completed', attempts: 1, result: { provider: 'openai', timings: { queuedMs: 0 } } });
    const { data } = (await stack.request(apiKey, 'GET', '/v1/jobs?type=complete')).body as { data: JobBody[] };
    expect(data.map((j) => j.id)).toContain(id);
    const usage = (await stack.request(apiKey, 'GET', '/v1/usage')).body as { jobs: number; breakdown: Array<{ metric: string; quantity: number }> };
    expect(usage.jobs).toBe(1);
    expect(usage.breakdown).toContainEqual(expect.objectContaining({ provider: 'openai', type: 'llm', metric: 'jobs', quantity: 1 }));
    expect(usage.breakdown).toContainEqual(expect.objectContaining({ metric: 'input_tokens', quantity: expect.any(Number) }));
  });

  it('a provider refusal no retry can mend fails the job, answered as the error', async () => {
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }]);
    const error = (await client.chat.completions.create(ask('Refuse me.')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(400);
    const { data } = (await stack.request(apiKey, 'GET', '/v1/jobs?type=complete&limit=1')).body as { data: JobBody[] };
    expect(data[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a failure a retry may mend goes to the queue, charged once: no worker here, so the wait runs out', async () => {
    const before = ((await stack.request(apiKey, 'GET', '/v1/usage')).body as { jobs: number }).jobs;
    stack.simulator.enqueueFaults([{ status: 503 }]);
    const res = await stack.request(apiKey, 'POST', '/v1/chat/completions', ask('Retry me.'));
    expect(res.status).toBe(504);
    const id = res.headers.get('x-voxq-job-id')!;
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(((await stack.request(apiKey, 'GET', '/v1/usage')).body as { jobs: number }).jobs).toBe(before + 1);
  });

  it('a call with an Idempotency-Key is queued, so that a repeat finds its job', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/chat/completions', ask('Once only.'), { 'idempotency-key': 'inline-idem-1' });
    expect(res.status).toBe(504);
    expect(await job(res.headers.get('x-voxq-job-id')!)).toMatchObject({ status: 'queued' });
  });

  it("sends the finished job's event to the tenant's webhook endpoints, as a worker would", async () => {
    const receiver = await startWebhookReceiver({ secret: 'whsec_placeholder' });
    try {
      const endpoint = (await stack.request(apiKey, 'POST', '/v1/webhooks', { url: receiver.url })).body as { secret: string };
      receiver.setSecret(endpoint.secret);
      const completion = await client.chat.completions.create(ask('Tell the endpoint.'));
      const id = jobIdOf(completion.id);
      const delivered = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === id, 15_000);
      expect(delivered.verified).toBe(true);
      expect(delivered.body).toMatchObject({ type: 'job.completed', data: { id, status: 'completed' } });
    } finally {
      await receiver.close();
    }
  });

  it("Speko's /v1/complete runs inline too", async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', { messages: [{ role: 'user', content: 'Speko inline.' }] });
    expect(res.status).toBe(200);
    expect(await job(res.headers.get('x-voxq-job-id')!)).toMatchObject({ status: 'completed', attempts: 1 });
  });
});

describe('API_INLINE_MAX=0', () => {
  let stack: SimulatedStack;

  beforeAll(async () => {
    stack = await startSimulatedStack({ API_OPENAI_WAIT_MS: '2000', API_INLINE_MAX: '0' }, { worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('queues every synchronous call', async () => {
    const { apiKey } = await stack.createKey('queued-tenant');
    const res = await stack.request(apiKey, 'POST', '/v1/chat/completions', ask('Queue me.'));
    expect(res.status).toBe(504);
    expect((await stack.request(apiKey, 'GET', `/v1/jobs/${res.headers.get('x-voxq-job-id')!}`)).body).toMatchObject({ status: 'queued' });
  });
});

describe('an inline try that fails in a way a retry may mend, with a worker', () => {
  let stack: SimulatedStack;

  beforeAll(async () => {
    stack = await startSimulatedStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is answered by the queued job that follows it', async () => {
    const { apiKey } = await stack.createKey('fallback-tenant');
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
    stack.simulator.enqueueFaults([{ status: 503 }]);
    const completion = await client.chat.completions.create(ask('Second time lucky.'));
    expect(completion.choices[0]!.message.content).toBe('Simulated reply to: Second time lucky.');
    const body = (await stack.request(apiKey, 'GET', `/v1/jobs/${jobIdOf(completion.id)}`)).body;
    expect(body).toMatchObject({ status: 'completed', attempts: 1 });
    expect(((await stack.request(apiKey, 'GET', '/v1/usage')).body as { jobs: number }).jobs).toBe(1);
  });
});

describe('API_INLINE_MAX=1', () => {
  let stack: SimulatedStack;

  beforeAll(async () => {
    stack = await startSimulatedStack({ API_OPENAI_WAIT_MS: '4000', API_INLINE_MAX: '1' }, { worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs one call at a time in the api and queues the one that finds the slot taken', async () => {
    const { apiKey } = await stack.createKey('bounded-tenant');
    // The first call holds the slot for 3 s: the second, sent with it, finds it taken even on a busy machine.
    stack.simulator.setLatency({ latencyMs: 3_000 });
    const answers = await Promise.all(['First.', 'Second.'].map((content) => stack.request(apiKey, 'POST', '/v1/chat/completions', ask(content))));
    // No worker: the queued one waits out its 4 s and gets the 504 naming its job.
    expect(answers.map((a) => a.status).sort()).toEqual([200, 504]);
  });
});
