import { describe, expect, it } from 'vitest';
import { buildReply, chatRequestSchema, chooseTools, completionBody, sampleArgs, streamFrames, type ChatRequest } from './chat-completion';

const tool = (name: string, parameters?: Record<string, unknown>) => ({ type: 'function' as const, function: { name, ...(parameters ? { parameters } : {}) } });
const request = (body: unknown): ChatRequest => chatRequestSchema.parse(body);
const chosen = (body: unknown) => {
  const tools = chooseTools(request(body));
  return Array.isArray(tools) ? tools.map((t) => t.function.name) : tools;
};

describe('chooseTools', () => {
  const tools = [tool('get_weather'), tool('book_table')];
  const ask = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], tools, ...extra });

  it('calls the tools the last user message names', () => {
    expect(chosen(ask('please get_weather for Oslo'))).toEqual(['get_weather']);
    expect(chosen(ask('get_weather then book_table'))).toEqual(['get_weather', 'book_table']);
    expect(chosen(ask('get_weather then book_table', { parallel_tool_calls: false }))).toEqual(['get_weather']);
  });

  it('answers in text when no tool is named, unless a call is required', () => {
    expect(chosen(ask('hello'))).toEqual([]);
    expect(chosen(ask('hello', { tool_choice: 'required' }))).toEqual(['get_weather']);
  });

  it('calls the forced function, and reports an unknown one', () => {
    expect(chosen(ask('hello', { tool_choice: { type: 'function', function: { name: 'book_table' } } }))).toEqual(['book_table']);
    expect(chosen(ask('hello', { tool_choice: { type: 'function', function: { name: 'nope' } } }))).toEqual({ unknownTool: 'nope' });
  });

  it('never calls a tool with tool_choice none or right after a tool result', () => {
    expect(chosen(ask('get_weather', { tool_choice: 'none' }))).toEqual([]);
    expect(
      chosen({
        messages: [
          { role: 'user', content: 'get_weather' },
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'tool', tool_call_id: 'c1', content: '{}' },
        ],
        tools,
        tool_choice: 'required',
      }),
    ).toEqual([]);
  });
});

describe('sampleArgs', () => {
  it('fills each required property with a placeholder of its type', () => {
    expect(
      sampleArgs({
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] }, verbose: { type: 'boolean' } },
        required: ['city', 'days', 'unit'],
      }),
    ).toEqual({ city: 'simulated', days: 1, unit: 'c' });
    expect(sampleArgs(undefined)).toEqual({});
  });
});

describe('buildReply', () => {
  it('echoes the last user message deterministically, with word-count usage', () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
      ],
    };
    const reply = buildReply(request(body), []);
    const again = buildReply(request(body), []);
    expect(reply.content).toBe('Simulated reply to: Hi there');
    expect(again.content).toBe(reply.content);
    expect(reply.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(completionBody(reply)).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Simulated reply to: Hi there' }, finish_reason: 'stop' }],
    });
  });

  it('truncates a long message in the echo', () => {
    const reply = buildReply(request({ messages: [{ role: 'user', content: 'x'.repeat(5_000) }] }), []);
    expect(reply.content?.length).toBeLessThan(250);
  });

  it('reads text out of content parts', () => {
    const reply = buildReply(request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'from parts' }] }] }), []);
    expect(reply.content).toBe('Simulated reply to: from parts');
  });
});

describe('streamFrames', () => {
  const events = (sse: string) =>
    sse
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ''));

  it('streams the text as chunks that add up to the reply, then [DONE]', () => {
    const reply = buildReply(request({ model: 'm', messages: [{ role: 'user', content: 'stream me' }] }), []);
    const raw = events(streamFrames(reply, true).join(''));
    expect(raw.at(-1)).toBe('[DONE]');
    const chunks = raw
      .slice(0, -1)
      .map((e) => JSON.parse(e) as { object: string; choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Simulated reply to: stream me');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: reply.usage });
  });
});
