import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  SPEKO_SDK_USER_AGENT,
  sineWav,
  SpekoWireClient,
  SpekoWireError,
  startSimulatedStack,
  type SimulatedStack,
  type StreamEvent,
} from '@voxq/testing';

/**
 * voxq as a drop-in for the Speko SDK (issue 14): every call here goes through
 * `SpekoWireClient`, which speaks exactly as `@spekoai/sdk` does (its headers, no `Accept`,
 * its reading of events and errors), with the base URL a user would give the SDK.
 */
const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('the Speko SDK wire against voxq', () => {
  let stack: SimulatedStack;
  let speko: SpekoWireClient;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startSimulatedStack((sim) => ({ ANTHROPIC_API_KEY: 'sk-sim-test', ANTHROPIC_BASE_URL: sim.baseUrlFor('anthropic') }));
    apiKey = (await stack.createKey('speko-sdk')).apiKey;
    // The base URL as the SDK takes it: the SDK appends `/v1/...` itself.
    speko = new SpekoWireClient({ apiKey, baseUrl: stack.url });
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => stack.simulator.reset());

  const jobOf = async (jobId: string) => (await stack.request(apiKey, 'GET', `/v1/jobs/${jobId}`)).body;

  it('transcribe: the result from the `done` event', async () => {
    const wav = sineWav();
    const result = await speko.transcribe(wav, { language: 'en-US', constraints: { allowedProviders: { stt: ['openai'] } } });
    expect(result).toEqual({
      text: `Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`,
      provider: 'openai',
      model: 'whisper-1',
      confidence: expect.any(Number),
      failoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
    });
  });

  it('transcribeStream: meta, the final transcript, done', async () => {
    const events = await collect(speko.transcribeStream(sineWav(), { language: 'en', constraints: { allowedProviders: { stt: ['openai'] } } }));
    expect(events.map((e) => e.type)).toEqual(['meta', 'transcript', 'done']);
    expect(events[0]).toMatchObject({ provider: 'openai', model: 'whisper-1', failoverCount: 0, scoresRunId: expect.stringMatching(/^sr_/) });
    expect(events[1]).toMatchObject({ text: expect.stringContaining('Simulated transcript'), isFinal: true });
  });

  it('synthesize and synthesizeStream: the audio itself with its routing headers', async () => {
    const result = await speko.synthesize('Hello, world.', { language: 'en', constraints: { allowedProviders: { tts: ['openai'] } } });
    expect(result.contentType).toMatch(/^audio\//);
    expect(result.audio.byteLength).toBeGreaterThan(100);
    expect(result).toMatchObject({ provider: 'openai', failoverCount: 0, scoresRunId: expect.stringMatching(/^sr_/) });

    const streamed = await speko.synthesizeStream('Stream it.', { language: 'en', constraints: { allowedProviders: { tts: ['openai'] } } });
    let bytes = 0;
    for await (const chunk of streamed) bytes += chunk.byteLength;
    expect(streamed.provider).toBe('openai');
    expect(bytes).toBeGreaterThan(100);
  });

  it("synthesize with the SDK's model, instructions and spokenForm: each does what it says", async () => {
    const styled = await speko.synthesize('Call Dr. Chen at 3:30pm.', {
      language: 'en',
      model: 'gpt-4o-mini-tts',
      instructions: 'Speak calmly.',
      spokenForm: true,
    });
    expect(styled).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini-tts' });
    const sent = stack.simulator.requests('openai').at(-1)!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'gpt-4o-mini-tts', instructions: 'Speak calmly.', input: expect.stringContaining('Doctor Chen') });
    expect(sent.input).not.toContain('3:30');
    // A model that takes no instructions: they are accepted and reported unused, never dropped silently.
    const plain = await fetch(`${stack.url}/v1/synthesize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'user-agent': SPEKO_SDK_USER_AGENT },
      body: JSON.stringify({ text: 'Hi.', intent: { language: 'en' }, model: 'tts-1', instructions: 'Speak calmly.' }),
    });
    expect(plain.headers.get('x-voxq-unused-params')).toBe('instructions');
    await plain.body?.cancel();
  });

  it('complete: the result from `done`; a pinned provider is the one that answers', async () => {
    const result = await speko.complete({ messages: [{ role: 'user', content: 'Hi!' }], intent: { language: 'en' } });
    expect(result).toEqual({
      text: 'Simulated reply to: Hi!',
      provider: 'openai',
      model: expect.any(String),
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      failoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
    });
    const pinned = await speko.complete({
      messages: [{ role: 'user', content: 'Hi!' }],
      intent: { language: 'en' },
      constraints: { allowedProviders: { llm: ['anthropic'] } },
    });
    expect(pinned.provider).toBe('anthropic');
  });

  it('completeStream: meta with its hop and failovers, the reply token by token, done', async () => {
    const events = await collect(speko.completeStream({ messages: [{ role: 'user', content: 'Stream me please.' }], intent: { language: 'en' } }));
    expect([...new Set(events.map((e) => e.type))]).toEqual(['meta', 'delta', 'done']);
    expect(events[0]).toEqual({
      type: 'meta',
      provider: 'openai',
      model: expect.any(String),
      failoverCount: 0,
      totalFailoverCount: 0,
      scoresRunId: expect.stringMatching(/^sr_/),
      hop: 0,
      jobId: expect.any(String),
    });
    const deltas = events.filter((e) => e.type === 'delta').map((e) => e.text);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe('Simulated reply to: Stream me please.');
    expect(events.at(-1)).toMatchObject({ type: 'done', text: deltas.join(''), provider: 'openai' });
  });

  it('a failover before the first token shows in meta, not in the text', async () => {
    stack.simulator.enqueueFaults([{ status: 503 }], 'openai');
    const events = await collect(
      speko.completeStream({
        messages: [{ role: 'user', content: 'Fail over.' }],
        intent: { language: 'en' },
        constraints: { allowedProviders: { llm: ['openai', 'anthropic'] } },
      }),
    );
    const meta = events.find((e) => e.type === 'meta')!;
    expect(meta).toMatchObject({ provider: 'anthropic', failoverCount: 1, totalFailoverCount: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'done', provider: 'anthropic', failoverCount: 1 });
  });

  it('inline tools come back as tool_call events and toolCalls; toolChoice as the SDK types it', async () => {
    const result = await speko.complete({
      messages: [{ role: 'user', content: 'Call get_weather for Paris.' }],
      intent: { language: 'en' },
      tools: [weatherTool],
      toolChoice: { type: 'function', function: { name: 'get_weather' } },
    });
    const sent = stack.simulator.requests('openai').at(-1)!.body as { tool_choice?: unknown };
    expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', args: expect.any(String) }]);
    const events = await collect(
      speko.completeStream({ messages: [{ role: 'user', content: 'Use get_weather for Oslo.' }], intent: { language: 'en' }, tools: [weatherTool] }),
    );
    expect(events.map((e) => e.type).filter((t) => t !== 'delta')).toEqual(['meta', 'tool_call', 'done']);
  });

  it('builtin tools: server_tool_call started then completed as they run, then the next hop', async () => {
    const events = await collect(
      speko.completeStream({
        messages: [{ role: 'user', content: 'What time is it? use current_time' }],
        intent: { language: 'en' },
        tools: [{ name: 'current_time', description: 'The time now.', parameters: { type: 'object', properties: {} }, executionMode: 'builtin' }],
      }),
    );
    const tools = events.filter((e) => e.type === 'server_tool_call');
    expect(tools.map((e) => [e.name, e.status, e.hop])).toEqual([
      ['current_time', 'started', 1],
      ['current_time', 'completed', 1],
    ]);
    const metas = events.filter((e) => e.type === 'meta');
    expect(metas.map((m) => m.hop)).toEqual([0, 1]);
    // The tool's progress comes between the two replies.
    expect(events.indexOf(tools[0]!)).toBeGreaterThan(events.indexOf(metas[0]!));
    expect(events.indexOf(tools[1]!)).toBeLessThan(events.indexOf(metas[1]!));
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('errors read as their messages: 401, 400 and an error event', async () => {
    const stranger = new SpekoWireClient({ apiKey: 'sk_live_nope', baseUrl: stack.url });
    const denied = await stranger.complete({ messages: [{ role: 'user', content: 'Hi' }], intent: { language: 'en' } }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(SpekoWireError);
    expect(denied).toMatchObject({ kind: 'auth', status: 401, message: expect.stringMatching(/API key/) });

    const bad = await speko.complete({ messages: [], intent: { language: 'en' } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'api', status: 400, code: 'INVALID_REQUEST', message: expect.stringContaining('messages') });
    expect((bad as Error).message).not.toContain('[object Object]');

    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const failed = await speko
      .complete({ messages: [{ role: 'user', content: 'Fail please.' }], intent: { language: 'en' }, constraints: { allowedProviders: { llm: ['openai'] } } })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ kind: 'api', code: expect.stringMatching(/^[A-Z_]+$/), message: expect.stringContaining('bad shape') });
  });

  it('an aborted call cancels its job: no provider call runs on', async () => {
    stack.simulator.setLatency({ latencyMs: 0, tokenMs: 300 });
    const abort = new AbortController();
    let jobId = '';
    const reading = (async () => {
      for await (const event of speko.completeStream(
        { messages: [{ role: 'user', content: 'A long answer please, word by word.' }], intent: { language: 'en' } },
        abort.signal,
      )) {
        if (event.type === 'meta') jobId = String(event.jobId);
        if (event.type === 'delta') abort.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(jobId).not.toBe('');
    await eventually(async () => ((await jobOf(jobId)).status === 'cancelled' ? true : undefined), 15_000, 'the aborted job cancelled');

    // The SDK's own timeout aborts the same way.
    stack.simulator.setLatency({ latencyMs: 3_000 });
    const impatient = new SpekoWireClient({ apiKey, baseUrl: stack.url, timeout: 500 });
    const before = (await stack.request(apiKey, 'GET', '/v1/jobs?type=transcribe&limit=1')).body.data as Array<{ id: string }>;
    await expect(impatient.transcribe(sineWav(), { language: 'en', constraints: { allowedProviders: { stt: ['openai'] } } })).rejects.toThrow();
    await eventually(
      async () => {
        const [latest] = (await stack.request(apiKey, 'GET', '/v1/jobs?type=transcribe&limit=1')).body.data as Array<{ id: string; status: string }>;
        return latest && latest.id !== before[0]?.id && latest.status === 'cancelled' ? true : undefined;
      },
      15_000,
      'the timed-out job cancelled',
    );
  });

  it('answers JSON to curl and to a client that asks for it, events to the SDK', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${stack.url}/v1/complete`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'Which form?' }], intent: { language: 'en' } }),
      });
    const curl = await post({ accept: '*/*', 'user-agent': 'curl/8.5.0' });
    expect(curl.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await curl.json()).toMatchObject({ text: 'Simulated reply to: Which form?' });
    const sdkAsksJson = await post({ accept: 'application/json', 'user-agent': SPEKO_SDK_USER_AGENT });
    expect(sdkAsksJson.headers.get('content-type')).toMatch(/^application\/json/);
    await sdkAsksJson.body?.cancel();
    const sdk = await post({ accept: '*/*', 'user-agent': SPEKO_SDK_USER_AGENT });
    expect(sdk.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await sdk.text()).toMatch(/event: done\n/);
  });

  it("errors on voxq's own routes read as their messages for the SDK too", async () => {
    const stranger = new SpekoWireClient({ apiKey: 'sk_live_nope', baseUrl: stack.url });
    await expect(stranger.usage.get()).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/API key/) });
    const missing = await speko.webhooks.get('we_nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'WEBHOOK_ENDPOINT_NOT_FOUND', message: "No webhook_endpoint with id 'we_nope'." });
  });

  it('webhook tools as the SDK types them (secretRef, authHeaders by secretRef, headers, preToolSpeech) and builtins by source', async () => {
    await speko.json('POST', '/v1/secrets', { name: 'tool_signing', value: 'tool-signing-key-1' });
    await speko.json('POST', '/v1/secrets', { name: 'crm.token', value: 'Bearer crm-123' });
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ content: 'Sunny' })), 200));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tool`;
    try {
      const source = {
        kind: 'webhook',
        url,
        secretRef: 'tool_signing',
        headers: { 'x-team': 'orders' },
        authHeaders: [{ name: 'x-crm', secretRef: 'crm.token' }],
      };
      const tool = { ...weatherTool, executionMode: 'webhook', source, preToolSpeech: 'always' };
      const events = await collect(
        speko.completeStream({ messages: [{ role: 'user', content: 'Weather? use get_weather' }], intent: { language: 'en' }, tools: [tool] }),
      );
      const kinds = events.map((e) => (e.type === 'server_tool_call' ? `tool:${String(e.status)}` : e.type === 'meta' ? `meta${String(e.hop)}` : e.type));
      // The lead-in is said before the tool runs; the tool's progress as it happens; then the next hop's reply.
      expect(kinds.slice(0, 4)).toEqual(['meta0', 'delta', 'tool:started', 'tool:completed']);
      expect(events[1]).toEqual({ type: 'delta', text: 'One moment.' });
      expect(kinds.slice(4)).toEqual(expect.arrayContaining(['meta1', 'done']));
      expect(events.find((e) => e.type === 'server_tool_call')).toEqual({
        type: 'server_tool_call',
        id: expect.any(String),
        name: 'get_weather',
        status: 'started',
        hop: 1,
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ 'x-team': 'orders', 'x-crm': 'Bearer crm-123', 'webhook-signature': expect.stringMatching(/^v1,/) });

      const clock = {
        name: 'clock',
        description: 'The time now.',
        parameters: { type: 'object', properties: {} },
        executionMode: 'builtin',
        source: { kind: 'builtin', name: 'current_time' },
      };
      const timed = await collect(
        speko.completeStream({ messages: [{ role: 'user', content: 'What time is it? use clock' }], intent: { language: 'en' }, tools: [clock] }),
      );
      expect(timed.filter((e) => e.type === 'server_tool_call').map((e) => [e.name, e.status])).toEqual([
        ['clock', 'started'],
        ['clock', 'completed'],
      ]);
      expect(timed.at(-1)).toMatchObject({ type: 'done' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the Speko SDK wire: 402 and 429 read as the SDK reads them', () => {
  let stack: SimulatedStack;

  beforeAll(async () => {
    stack = await startSimulatedStack({ TENANT_MONTHLY_JOB_ALLOWANCE: '1', API_RATE_LIMIT_PER_SECOND: '1', API_RATE_LIMIT_BURST: '1' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a spent allowance is a 402 whose message says so', async () => {
    const speko = new SpekoWireClient({ apiKey: (await stack.createKey('speko-allowance')).apiKey, baseUrl: stack.url });
    await speko.complete({ messages: [{ role: 'user', content: 'One.' }], intent: { language: 'en' } });
    const refused = await eventually(
      () =>
        speko.complete({ messages: [{ role: 'user', content: 'Two.' }], intent: { language: 'en' } }).then(
          () => new Error('a second job passed the allowance'),
          (error: unknown) => (error instanceof SpekoWireError && error.status === 429 ? undefined : error),
        ),
      15_000,
      'an answer past the rate limit',
    );
    expect(refused).toMatchObject({ kind: 'api', status: 402, code: 'ALLOWANCE_EXHAUSTED', message: expect.stringMatching(/allowance/i) });
  });

  it('past the rate limit, SpekoRateLimitError with its Retry-After', async () => {
    const speko = new SpekoWireClient({ apiKey: (await stack.createKey('speko-rate')).apiKey, baseUrl: stack.url });
    const answers = await Promise.allSettled([speko.usage.get(), speko.usage.get(), speko.usage.get()]);
    const limited = answers.find((a) => a.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(limited?.reason).toMatchObject({ kind: 'rate_limit', status: 429, retryAfter: expect.any(Number), message: expect.stringMatching(/per second/) });
  });
});
