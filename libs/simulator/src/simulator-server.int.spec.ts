import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator-server';

const chat = (sim: Simulator, body: unknown, key = 'sk-test') =>
  fetch(`${sim.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };
const admin = (sim: Simulator, method: string, path: string, body?: unknown) =>
  fetch(`${sim.url}/_simulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('simulator server', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  it('listens on a free port of 127.0.0.1', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.baseUrl).toBe(`${sim.url}/v1`);
  });

  it('answers a chat completion in the OpenAI shape', async () => {
    const res = await chat(sim, hello);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ message: { role: 'assistant', content: 'Simulated reply to: hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 },
    });
  });

  it('answers with tool_calls when the user names a tool', async () => {
    const res = await chat(sim, {
      ...hello,
      messages: [{ role: 'user', content: 'use get_time please' }],
      tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
    });
    const body = (await res.json()) as { choices: Array<{ message: { content: unknown; tool_calls: unknown }; finish_reason: string }> };
    expect(body.choices[0]).toMatchObject({
      message: { content: null, tool_calls: [{ id: expect.any(String), type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('streams SSE chunks when asked', async () => {
    const res = await chat(sim, { ...hello, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.startsWith('data: {')).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('paces a stream event by event, and a cut fault stops it halfway', async () => {
    sim.setLatency({ latencyMs: 0, tokenMs: 40 });
    const reads: string[] = [];
    const res = await chat(sim, { ...hello, messages: [{ role: 'user', content: 'one two three four' }], stream: true });
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) reads.push(Buffer.from(chunk).toString('utf8'));
    // Each event is its own write, so the client reads them apart (role, 7 words, finish, [DONE]).
    expect(reads.length).toBeGreaterThan(5);
    expect(reads.join('').endsWith('data: [DONE]\n\n')).toBe(true);

    sim.enqueueFaults([{ cut: true }]);
    const cut = await chat(sim, { ...hello, stream: true });
    const got: string[] = [];
    const failure = await (async () => {
      for await (const chunk of cut.body as unknown as AsyncIterable<Uint8Array>) got.push(Buffer.from(chunk).toString('utf8'));
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(got.join('')).toContain('chat.completion.chunk');
    expect(got.join('')).not.toContain('[DONE]');
  });

  it('requires a bearer key, and refuses the revoked one', async () => {
    const anonymous = await fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { message: expect.any(String), type: 'invalid_request_error' } });
    const revoked = await chat(sim, hello, 'sk-sim-invalid');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('rejects a body without messages', async () => {
    const res = await chat(sim, { model: 'm' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('messages') } });
  });

  it('applies queued faults to the next requests, in order, once each', async () => {
    sim.enqueueFaults([{ status: 500 }, { status: 429, retryAfterSeconds: 1 }, { malformed: true }]);
    const first = await chat(sim, hello);
    expect(first.status).toBe(500);
    expect(await first.json()).toMatchObject({ error: { type: 'server_error' } });
    const second = await chat(sim, hello);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    await second.text();
    const third = await chat(sim, hello);
    expect(third.status).toBe(200);
    await expect(third.json()).rejects.toThrow();
    expect((await chat(sim, hello)).status).toBe(200);
  });

  it('resets the socket or hangs until the client gives up', async () => {
    sim.enqueueFaults([{ reset: true }, { hang: true }]);
    await expect(chat(sim, hello)).rejects.toThrow('fetch failed');
    const hung = fetch(`${sim.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify(hello),
      signal: AbortSignal.timeout(150),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await chat(sim, hello)).status).toBe(200);
  });

  it('adds the configured latency', async () => {
    sim.setLatency({ latencyMs: 120 });
    const started = Date.now();
    await (await chat(sim, hello)).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('is driven over HTTP as well: faults, latency, requests and reset', async () => {
    const queued = await admin(sim, 'POST', 'faults', [{ status: 503 }]);
    expect(await queued.json()).toEqual({ provider: 'openai', pending: 1 });
    expect((await admin(sim, 'POST', 'faults', [{ status: 200 }])).status).toBe(400);
    expect(await (await admin(sim, 'PUT', 'latency', { latencyMs: 5, jitterMs: 5 })).json()).toEqual({
      provider: 'openai',
      latencyMs: 5,
      jitterMs: 5,
      tokenMs: 0,
    });

    expect((await chat(sim, hello, 'sk-very-secret')).status).toBe(503);
    const recorded = (await (await admin(sim, 'GET', 'requests')).json()) as {
      data: Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }>;
    };
    expect(recorded.data).toEqual([
      {
        provider: 'openai',
        query: {},
        method: 'POST',
        path: '/v1/chat/completions',
        headers: expect.objectContaining({ authorization: 'Bearer ***' }),
        body: hello,
        at: expect.any(Number),
      },
    ]);

    await admin(sim, 'POST', 'reset');
    expect(await (await admin(sim, 'GET', 'requests')).json()).toEqual({ data: [] });
    expect((await chat(sim, hello)).status).toBe(200);
  });

  it('keeps only the last 1,000 requests', async () => {
    for (let i = 0; i < 1_005; i += 201) {
      await Promise.all(
        Array.from({ length: Math.min(201, 1_005 - i) }, (_, j) => chat(sim, { messages: [{ role: 'user', content: `n${i + j}` }] }).then((r) => r.text())),
      );
    }
    expect(sim.requests()).toHaveLength(1_000);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await fetch(`${sim.baseUrl}/moderations`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_url' } });
  });
});
