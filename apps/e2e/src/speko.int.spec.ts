import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSseEvents, sineWav, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Speko one-shot endpoints (seed 000/001)', () => {
  let stack: SimulatedStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    apiKey = (await stack.createKey('speko-tenant')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const stream = async (path: string, body: unknown) => {
    const res = await fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // Every data line of these streams is JSON.
    return parseSseEvents(await res.text()).map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
  };

  it('POST /v1/complete answers the seed CompleteResult with routing headers', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', {
      messages: [
        { role: 'system', content: 'You are concise.' },
        { role: 'user', content: 'Hi!' },
      ],
      intent: { language: 'en' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      text: 'Simulated reply to: Hi!',
      provider: 'openai',
      model: expect.any(String),
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      failoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
    });
    expect(res.headers.get('x-speko-provider')).toBe('openai');
    expect(res.headers.get('x-speko-model')).toBe(res.body.model);
    expect(res.headers.get('x-speko-failover-count')).toBe('0');
    expect(res.headers.get('x-speko-scores-run-id')).toBe(res.body.scoresRunId);
    const jobId = res.headers.get('x-voxq-job-id')!;
    expect((await stack.request(apiKey, 'GET', `/v1/jobs/${jobId}`)).body.status).toBe('completed');
  });

  it('POST /v1/complete returns inline tool calls', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', {
      messages: [{ role: 'user', content: 'Call get_weather for Paris.' }],
      tools: [weatherTool],
    });
    expect(res.status).toBe(200);
    expect(res.body.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', args: expect.any(String) }]);
  });

  it('Prefer: respond-async answers 202 with the job at once', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', { messages: [{ role: 'user', content: 'Later.' }] }, { prefer: 'respond-async' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'job', type: 'complete', status: 'queued' });
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    const job = await stack.waitForJob(apiKey, res.body.id as string);
    expect(job.status).toBe('completed');
  });

  it('streams meta, the reply as deltas as the provider makes it, then done', async () => {
    const events = await stream('/v1/complete', { messages: [{ role: 'user', content: 'Stream me.' }] });
    const names = [...new Set(events.map((e) => e.event))];
    expect(names).toEqual(['meta', 'delta', 'done']);
    expect(events[0]!.data).toMatchObject({
      jobId: expect.any(String),
      provider: 'openai',
      model: expect.any(String),
      hop: 0,
      failoverCount: 0,
      totalFailoverCount: 0,
    });
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    // The simulator streams word by word: the pieces arrive as it sent them.
    expect(deltas).toEqual(['Simulated ', 'reply ', 'to: ', 'Stream ', 'me.']);
    expect(events.at(-1)!.data).toMatchObject({
      text: 'Simulated reply to: Stream me.',
      provider: 'openai',
      failoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
    });
  });

  it('streams tool_call events for inline tool calls, before done', async () => {
    const events = await stream('/v1/complete', { messages: [{ role: 'user', content: 'Use get_weather for Oslo.' }], tools: [weatherTool] });
    const names = events.map((e) => e.event).filter((name) => name !== 'delta');
    expect(names).toEqual(['meta', 'tool_call', 'done']);
    const call = events.find((e) => e.event === 'tool_call')!.data;
    expect(call).toMatchObject({ name: 'get_weather', args: expect.any(String) });
    expect((events.at(-1)!.data as { toolCalls: unknown[] }).toolCalls).toEqual([call]);
  });

  it('a failed job is the error envelope with a fitting status, and an SSE error event', async () => {
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const res = await stack.request(apiKey, 'POST', '/v1/complete', { messages: [{ role: 'user', content: 'Fail please.' }] });
    expect(res.status).toBe(400);
    // Speko's error body: the message as a string, the code in its upper case.
    expect(res.body).toMatchObject({ error: expect.stringContaining('bad shape'), code: expect.stringMatching(/^[A-Z_]+$/), type: 'invalid_request_error' });

    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const events = await stream('/v1/complete', { messages: [{ role: 'user', content: 'Fail the stream.' }] });
    expect(events.map((e) => e.event)).toEqual(['error']);
    expect(events[0]!.data).toMatchObject({ error: expect.stringContaining('bad shape'), type: 'invalid_request_error', jobId: expect.any(String) });
  });

  it('rejects a bad body with a 400 naming the field', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', { messages: [] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringContaining('messages'), code: 'INVALID_REQUEST', type: 'invalid_request_error', param: 'messages' });
  });

  it('POST /v1/transcribe takes binary audio with intent and constraints headers', async () => {
    const wav = sineWav();
    const res = await stack.request(apiKey, 'POST', '/v1/transcribe', wav, {
      'content-type': 'audio/wav',
      'x-speko-intent': JSON.stringify({ language: 'en-US' }),
      'x-speko-constraints': JSON.stringify({ allowedProviders: { stt: ['openai'] } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      text: `Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`,
      provider: 'openai',
      model: 'whisper-1',
      failoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
    });
    expect(res.headers.get('x-speko-provider')).toBe('openai');

    const bad = await stack.request(apiKey, 'POST', '/v1/transcribe', wav, { 'content-type': 'audio/wav', 'x-speko-intent': '{nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: expect.any(String), param: 'x-speko-intent' });
  });

  it('POST /v1/synthesize answers the audio with its content type and routing headers', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/synthesize', {
      text: 'Hello, world.',
      intent: { language: 'en-US' },
      voice: null,
      speed: 1,
      constraints: { allowedProviders: { tts: ['openai'] } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^audio\//);
    expect(res.raw.length).toBeGreaterThan(0);
    expect(res.headers.get('x-speko-provider')).toBe('openai');
    expect(res.headers.get('x-speko-failover-count')).toBe('0');

    const events = await stream('/v1/synthesize', { text: 'Stream it.', constraints: { allowedProviders: { tts: ['openai'] } } });
    expect(events.map((e) => e.event)).toEqual(['done']);
    expect(events[0]!.data).toMatchObject({ provider: 'openai', audio: { url: expect.stringMatching(/^\/v1\/jobs\/.+\/result$/) } });
  });
});

describe('one-shot wait bound', () => {
  let stack: SimulatedStack;
  let apiKey: string;

  beforeAll(async () => {
    // No worker: jobs stay queued, so the wait runs out.
    stack = await startSimulatedStack({ API_SYNC_WAIT_MS: '200' }, { worker: false });
    apiKey = (await stack.createKey('speko-slow')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers a 504 naming the job once API_SYNC_WAIT_MS has passed (never the job as if it were the result)', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/synthesize', { text: 'Slow.' });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ error: expect.stringContaining('poll GET /v1/jobs/'), code: 'JOB_WAIT_TIMEOUT' });
    const jobId = res.headers.get('x-voxq-job-id')!;
    // The job goes on (a client that stays until the answer is not a client that went away).
    expect((await stack.request(apiKey, 'GET', `/v1/jobs/${jobId}`)).body.status).toBe('queued');
  });

  it('answers 202 with the job and its Location only for Prefer: respond-async', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/complete', { messages: [{ role: 'user', content: 'Slow.' }] }, { prefer: 'respond-async' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: expect.any(String), object: 'job', status: 'queued' });
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
  });
});
