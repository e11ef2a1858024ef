import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, parseSseEvents, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** No `model`: the router picks (OpenAI first), so it may fail over. The SDK's types insist on one. */
const ROUTER_PICKS = undefined as unknown as string;

/** The simulator streams its echo word by word: these are the pieces it sends for `prompt`. */
const piecesOf = (prompt: string) => `Simulated reply to: ${prompt}`.split(/(?<= )/);

/**
 * Token streaming through the queue, driven by the official `openai` SDK: the worker asks the
 * provider to stream, the pieces go through Redis and the API relays them as they come.
 * The simulator serves OpenAI (ranked first) and Anthropic (the failover).
 */
describe('streaming through the queue (official openai SDK)', () => {
  let stack: SimulatedStack;
  let apiKey: string;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startSimulatedStack((sim) => ({ ANTHROPIC_API_KEY: 'sk-sim-test', ANTHROPIC_BASE_URL: sim.baseUrlFor('anthropic') }));
    ({ apiKey } = await stack.createKey('streaming-tenant'));
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => stack.simulator.reset());

  it('relays the pieces as the provider makes them, while the job is still running', async () => {
    stack.simulator.setLatency({ latencyMs: 0, tokenMs: 150 }, 'openai');
    const prompt = 'Count the planets of the solar system slowly';
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const jobId = response.headers.get('x-voxq-job-id')!;
    const pieces: string[] = [];
    let statusAtFirstPiece: unknown;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const finishReasons: Array<string | null> = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        if (pieces.length === 0) statusAtFirstPiece = (await stack.request(apiKey, 'GET', `/v1/jobs/${jobId}`)).body.status;
        pieces.push(content);
      }
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    // Plumbing, not timing: the first piece reached the client before the job had ended.
    expect(statusAtFirstPiece).toBe('active');
    expect(pieces).toEqual(piecesOf(prompt));
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
    // The upstream was asked to stream, and the job keeps its whole result.
    expect(stack.simulator.requests('openai').at(-1)!.body).toMatchObject({ stream: true });
    const job = await stack.waitForJob(apiKey, jobId);
    expect(job).toMatchObject({ status: 'completed', result: { text: piecesOf(prompt).join(''), provider: 'openai' } });
  });

  it('streams tool-call pieces: the call with its name first, then its arguments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Use get_weather for Oslo.' }],
      tools: [weatherTool],
      stream: true,
    });
    const calls: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toMatchObject({ index: 0, id: expect.any(String), type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ city: 'simulated' });
    expect(finish).toBe('tool_calls');
  });

  it('streams every choice of n > 1 with its log probabilities, as the non-streamed answer has them', async () => {
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Two takes please' }],
      n: 2,
      logprobs: true,
      top_logprobs: 2,
      seed: 7,
    };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const texts = ['', ''];
    const tokens: string[][] = [[], []];
    const finish: Array<string | null> = [null, null];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? '';
        tokens[choice.index]!.push(...(choice.logprobs?.content ?? []).map((t) => t.token));
        finish[choice.index] = choice.finish_reason ?? finish[choice.index]!;
      }
    }
    expect(texts).toEqual(whole.choices.map((c) => c.message.content));
    expect(tokens).toEqual(whole.choices.map((c) => c.logprobs!.content!.map((t) => t.token)));
    expect(finish).toEqual(['stop', 'stop']);
  });

  it('streams from Anthropic too (its Messages stream read piece by piece)', async () => {
    const prompt = 'Stream from Claude';
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: prompt }], stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces).toEqual(piecesOf(prompt));
    expect(stack.simulator.requests('anthropic').at(-1)!.body).toMatchObject({ stream: true });
  });

  it('a failover before the first token is invisible: the next provider streams the whole reply', async () => {
    stack.simulator.enqueueFaults([{ status: 503 }], 'openai');
    const prompt = 'Fail over quietly';
    const { data: stream, response } = await client.chat.completions
      .create({ messages: [{ role: 'user', content: prompt }], model: ROUTER_PICKS, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(piecesOf(prompt).join(''));
    const job = await stack.waitForJob(apiKey, response.headers.get('x-voxq-job-id')!);
    expect(job.result).toMatchObject({ provider: 'anthropic', failoverCount: 1 });
  });

  it('a provider cut off after tokens ends the stream with stream_interrupted; the job still completes elsewhere', async () => {
    stack.simulator.setLatency({ latencyMs: 0, tokenMs: 20 }, 'openai');
    stack.simulator.enqueueFaults([{ cut: true }], 'openai');
    const prompt = 'one two three four five six seven eight';
    const { data: stream, response } = await client.chat.completions
      .create({ messages: [{ role: 'user', content: prompt }], model: ROUTER_PICKS, stream: true })
      .withResponse();
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received.push(chunk.choices[0].delta.content);
    })().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    // What was shown is the start of the first provider's reply, never a mix of two.
    expect(piecesOf(prompt).join('').startsWith(received.join(''))).toBe(true);
    const job = await stack.waitForJob(apiKey, response.headers.get('x-voxq-job-id')!);
    expect(job).toMatchObject({ status: 'completed', result: { provider: 'anthropic', text: piecesOf(prompt).join('') } });
  });

  it('resumes with the same Idempotency-Key and Last-Event-ID where the client was', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Resume me after a drop' }], stream: true };
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': 'resume-1' };
    const post = async (extra: Record<string, string> = {}) => {
      const res = await fetch(`${stack.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return { jobId: res.headers.get('x-voxq-job-id'), events: parseSseEvents(await res.text()) };
    };
    const text = (events: ReturnType<typeof parseSseEvents>) =>
      events
        .filter((e) => e.data !== '[DONE]')
        .map((e) => (JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '')
        .join('');
    const first = await post();
    const withIds = first.events.filter((e) => e.id !== undefined);
    expect(withIds.length).toBeGreaterThan(3);
    const cutAt = first.events.indexOf(withIds[2]!);
    const again = await post({ 'last-event-id': withIds[2]!.id! });
    expect(again.jobId).toBe(first.jobId);
    expect(text(first.events.slice(0, cutAt + 1)) + text(again.events)).toBe(piecesOf('Resume me after a drop').join(''));
    expect(again.events.at(-1)!.data).toBe('[DONE]');

    const bad = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'last-event-id': 'nope' },
      body: JSON.stringify(body),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('Last-Event-ID');
  });

  it('sends delta events on /v1/jobs/:id/events for a streamed job, resumable with Last-Event-ID', async () => {
    stack.simulator.setLatency({ latencyMs: 0, tokenMs: 30 }, 'openai');
    const created = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'complete',
      input: { messages: [{ role: 'user', content: 'Events please' }], stream: true },
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const read = async (extra: Record<string, string> = {}) => {
      const res = await fetch(`${stack.url}/v1/jobs/${id}/events`, { headers: { authorization: `Bearer ${apiKey}`, ...extra } });
      return parseSseEvents(await res.text());
    };
    const events = await read();
    expect(events[0]!.event).toBe('job');
    expect(events.at(-1)!.event).toBe('completed');
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.map((e) => (JSON.parse(e.data) as { content: string }).content)).toEqual(piecesOf('Events please'));
    expect(events.find((e) => e.event === 'reply')).toBeDefined();

    const rest = await read({ 'last-event-id': deltas[1]!.id! });
    expect(rest.filter((e) => e.event === 'delta').map((e) => (JSON.parse(e.data) as { content: string }).content)).toEqual(piecesOf('Events please').slice(2));
  });

  it('answers 202 with the job only for Prefer: respond-async', async () => {
    const res = await stack.request(
      apiKey,
      'POST',
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'later' }] },
      { prefer: 'respond-async' },
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'job', type: 'complete' });
    await eventually(
      async () => ((await stack.request(apiKey, 'GET', `/v1/jobs/${res.body.id as string}`)).body.status === 'completed' ? true : undefined),
      10_000,
      'job',
    );
  });
});

describe('OpenAI routes wait as long as API_OPENAI_WAIT_MS', () => {
  let stack: SimulatedStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startSimulatedStack({ API_OPENAI_WAIT_MS: '1000', API_SYNC_WAIT_MS: '100' });
    const { apiKey } = await stack.createKey('slow-tenant');
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('waits past API_SYNC_WAIT_MS for a slow job, and past its own bound answers 504 job_wait_timeout', async () => {
    stack.simulator.setLatency({ latencyMs: 400 }, 'openai');
    const done = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow but fine' }] });
    expect(done.choices[0]!.message.content).toBe('Simulated reply to: slow but fine');

    stack.simulator.setLatency({ latencyMs: 5_000 }, 'openai');
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'too slow' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('job_wait_timeout');
    stack.simulator.setLatency({ latencyMs: 0 }, 'openai');
  });
});
