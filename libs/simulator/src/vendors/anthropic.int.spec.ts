import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator-server';

const base = { model: 'claude-sonnet-4-5', max_tokens: 256 };
const hello = { ...base, messages: [{ role: 'user', content: 'hello' }] };
const tool = (name: string) => ({ name, input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });

describe('simulator: anthropic', () => {
  let sim: Simulator;
  const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' }) =>
    fetch(`${sim.baseUrlFor('anthropic')}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const send = async (body: unknown) => {
    const res = await post(body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const errorOf = async (body: unknown) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    return (res.body as { error: { type: string; message: string } }).error;
  };

  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  it('is mounted at /anthropic with no version segment in its base URL', () => {
    expect(sim.baseUrlFor('anthropic')).toBe(`${sim.url}/anthropic`);
  });

  it('answers in the Messages shape', async () => {
    const res = await send({ ...hello, system: 'Be brief.' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Simulated reply to: hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 4 },
    });
  });

  it('cuts the reply at max_tokens words', async () => {
    const res = await send({ ...hello, max_tokens: 1 });
    expect(res.body).toMatchObject({ content: [{ type: 'text', text: 'Simulated' }], stop_reason: 'max_tokens' });
  });

  it('requires x-api-key and anthropic-version, and refuses the revoked key', async () => {
    const anonymous = await post(hello, { 'anthropic-version': '2023-06-01' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    const revoked = await post(hello, { 'x-api-key': 'sk-sim-invalid', 'anthropic-version': '2023-06-01' });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    const unversioned = await post(hello, { 'x-api-key': 'sk-ant-test' });
    expect(unversioned.status).toBe(400);
    expect(await unversioned.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
  });

  it.each([
    ['no max_tokens', { model: 'm', messages: hello.messages }, 'max_tokens'],
    ['no model', { max_tokens: 5, messages: hello.messages }, 'model'],
    ['a system role in messages', { ...base, messages: [{ role: 'system', content: 'x' }, ...hello.messages] }, 'messages.0.role'],
    ['an assistant first', { ...base, messages: [{ role: 'assistant', content: 'hi' }, ...hello.messages] }, 'first message must use the "user" role'],
    ['two user turns in a row', { ...base, messages: [...hello.messages, ...hello.messages] }, 'roles must alternate'],
    ['an empty user message', { ...base, messages: [{ role: 'user', content: '' }] }, 'non-empty content'],
    ['an empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'non-empty'],
    ['temperature above 1', { ...hello, temperature: 1.5 }, 'temperature'],
    ['a tool without input_schema', { ...hello, tools: [{ name: 'f' }] }, 'tools.0.input_schema'],
    ['tool_choice without tools', { ...hello, tool_choice: { type: 'any' } }, 'tool_choice'],
    ['an unknown forced tool', { ...hello, tools: [tool('get_weather')], tool_choice: { type: 'tool', name: 'nope' } }, "Tool 'nope' not found"],
  ])('refuses %s with invalid_request_error', async (_, body, words) => {
    expect(await errorOf(body)).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining(words) });
  });

  it('checks that tool_use and tool_result pair up across turns, results first', async () => {
    const ask = { role: 'user', content: 'get_weather' };
    const use = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] };
    const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'sunny' });
    const tools = [tool('get_weather')];
    expect((await errorOf({ ...base, tools, messages: [ask, use, { role: 'user', content: 'well?' }] })).message).toContain('without `tool_result` blocks');
    expect((await errorOf({ ...base, tools, messages: [ask, use, { role: 'user', content: [result('toolu_2')] }] })).message).toContain(
      'unexpected `tool_use_id`',
    );
    const textFirst = { role: 'user', content: [{ type: 'text', text: 'here:' }, result('toolu_1')] };
    expect((await errorOf({ ...base, tools, messages: [ask, use, textFirst] })).message).toContain('must come before');

    // Right after tool results the model answers in text, even though the question names the tool.
    const answered = await send({ ...base, tools, tool_choice: { type: 'any' }, messages: [ask, use, { role: 'user', content: [result('toolu_1')] }] });
    expect(answered.body).toMatchObject({ content: [{ type: 'text', text: 'Simulated reply to: get_weather' }], stop_reason: 'end_turn' });
  });

  it.each([
    ['the user names a tool', 'please get_weather', undefined, ['get_weather']],
    ['the user names two', 'get_weather then book_table', undefined, ['get_weather', 'book_table']],
    ['parallel use is off', 'get_weather then book_table', { type: 'auto', disable_parallel_tool_use: true }, ['get_weather']],
    ['any, none named', 'hello', { type: 'any' }, ['get_weather']],
    ['a forced tool', 'hello', { type: 'tool', name: 'book_table' }, ['book_table']],
    ['none', 'get_weather', { type: 'none' }, []],
    ['auto, none named', 'hello', { type: 'auto' }, []],
  ])('calls tools when %s', async (_, text, toolChoice, expected) => {
    const res = await send({
      ...base,
      messages: [{ role: 'user', content: text }],
      tools: [tool('get_weather'), tool('book_table')],
      ...(toolChoice ? { tool_choice: toolChoice } : {}),
    });
    const content = res.body.content as Array<{ type: string; name?: string; id?: string; input?: unknown }>;
    expect(content.filter((b) => b.type === 'tool_use').map((b) => b.name)).toEqual(expected);
    expect(res.body.stop_reason).toBe(expected.length > 0 ? 'tool_use' : 'end_turn');
    if (expected.length > 0) expect(content[0]).toMatchObject({ id: expect.stringMatching(/^toolu_/), input: { city: 'simulated' } });
  });

  it('words faults in its own envelope: 529 overloaded, 429 rate limited with Retry-After', async () => {
    sim.enqueueFaults([{ status: 529 }, { status: 429, retryAfterSeconds: 3 }], 'anthropic');
    const overloaded = await post(hello);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Simulated HTTP 529.' } });
    const limited = await post(hello);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    // Faults queued for anthropic leave the other vendors alone.
    expect(
      (await fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: JSON.stringify(hello) })).status,
    ).toBe(200);
  });

  it('answers an unknown path with not_found_error', async () => {
    const res = await fetch(`${sim.url}/anthropic/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'k' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('streams a message as Anthropic does: message_start, content blocks with their deltas, message_delta, message_stop', async () => {
    const events = async (body: unknown) => {
      const res = await post({ ...(body as object), stream: true });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      return (await res.text())
        .split('\n\n')
        .filter(Boolean)
        .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown> }));
    };
    const text = await events(hello);
    expect(text.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(4).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text.every((e) => e.data.type === e.event)).toBe(true);
    const pieces = text.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text);
    expect(pieces.join('')).toBe('Simulated reply to: hello');
    expect(text.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } });

    const calls = await events({ ...base, messages: [{ role: 'user', content: 'Use get_weather.' }], tools: [tool('get_weather')] });
    expect(calls[1]!.data).toMatchObject({ content_block: { type: 'tool_use', name: 'get_weather', input: {} } });
    const json = calls.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { partial_json: string }).partial_json);
    expect(JSON.parse(json.join(''))).toEqual({ city: 'simulated' });
    expect(calls.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });
});
