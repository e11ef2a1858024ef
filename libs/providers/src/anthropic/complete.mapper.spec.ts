import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../provider';
import { DEFAULT_MAX_TOKENS, fromWireResponse, toWireRequest } from './complete.mapper';
import { wireResponseSchema } from './wire.schema';

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  executionMode: 'inline' as const,
};
const hi: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };

describe('toWireRequest', () => {
  it('maps a full tool-using conversation to the Messages body', () => {
    const request: LlmRequest = {
      systemPrompt: 'You are concise.',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          toolCalls: [
            { id: 'toolu_1', name: 'get_weather', args: '{"city":"Paris"}' },
            { id: 'toolu_2', name: 'get_weather', args: '{"city":"Oslo"}' },
          ],
        },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'toolu_1' },
        { role: 'tool', content: 'city not found', toolCallId: 'toolu_2', isError: true },
      ],
      tools: [weather],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      maxTokens: 200,
      temperature: 0.3,
      reasoningEffort: 'high',
    };
    expect(toWireRequest(request, 'claude-sonnet-4-5')).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      system: 'You are concise.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temp":21}' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'city not found', is_error: true },
          ],
        },
      ],
      temperature: 0.3,
      tools: [{ name: 'get_weather', description: weather.description, input_schema: weather.parameters }],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    });
  });

  it('sends only what was asked for, with the default max_tokens Anthropic requires', () => {
    expect(toWireRequest(hi, 'm')).toEqual({ model: 'm', max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('merges consecutive same-role messages so roles alternate, tool results before text', () => {
    const { messages } = toWireRequest(
      {
        messages: [
          { role: 'user', content: 'First.' },
          { role: 'user', content: 'Second.' },
          { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'get_weather', args: '{}' }] },
          { role: 'tool', content: 'sunny', toolCallId: 't1' },
          { role: 'user', content: 'Thanks!' },
          { role: 'assistant', content: 'You are welcome.' },
          { role: 'assistant', content: 'Anything else?' },
        ],
      },
      'm',
    );
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First.' },
          { type: 'text', text: 'Second.' },
        ],
      },
      // No empty text block: Anthropic refuses them.
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'sunny' },
          { type: 'text', text: 'Thanks!' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'You are welcome.' },
          { type: 'text', text: 'Anything else?' },
        ],
      },
    ]);
  });

  it('moves system messages anywhere in the list to the system channel, in order', () => {
    const body = toWireRequest(
      {
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'system', content: 'The user is on the billing page.' },
          { role: 'user', content: 'Help' },
        ],
      },
      'm',
    );
    expect(body.system).toBe('Be kind.\n\nThe user is on the billing page.');
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    [{ name: 'get_weather' }, undefined, { type: 'tool', name: 'get_weather' }],
    ['auto', true, { type: 'auto' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, true, undefined],
    [undefined, undefined, undefined],
  ] as const)('maps toolChoice %j with parallelToolCalls %s to %j', (toolChoice, parallelToolCalls, expected) => {
    const body = toWireRequest(
      { ...hi, tools: [weather], ...(toolChoice ? { toolChoice } : {}), ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }) },
      'm',
    );
    expect(body.tool_choice).toEqual(expected);
  });

  it('leaves tool_choice out without tools, which Anthropic would reject', () => {
    expect(toWireRequest({ ...hi, toolChoice: 'required', parallelToolCalls: false }, 'm')).not.toHaveProperty('tool_choice');
  });

  it('leaves an empty description out and clamps temperature to Anthropic’s 0–1', () => {
    const body = toWireRequest({ ...hi, tools: [{ ...weather, description: '' }], temperature: 1.7 }, 'm');
    expect(body.tools).toEqual([{ name: 'get_weather', input_schema: weather.parameters }]);
    expect(body.temperature).toBe(1);
  });

  it.each(['not json', '[1,2]', '"text"', 'null'])('refuses tool call args %s, which Anthropic needs as an object', (args) => {
    const request: LlmRequest = {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'f', args }] },
      ],
    };
    expect(() => toWireRequest(request, 'm')).toThrow(expect.objectContaining({ code: 'invalid_request', param: 'input.messages.1.toolCalls.0.args' }));
  });
});

describe('fromWireResponse', () => {
  const parse = (body: unknown) => wireResponseSchema.parse(body);
  const message = (content: unknown[], stop_reason: string | null = 'end_turn', extra: Record<string, unknown> = {}) =>
    parse({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content,
      stop_reason,
      usage: { input_tokens: 12, output_tokens: 5 },
      ...extra,
    });

  it('joins text blocks and maps usage and the model', () => {
    const response = message([
      { type: 'text', text: 'Hello, ' },
      { type: 'text', text: 'world.' },
    ]);
    expect(fromWireResponse(response, 'claude-sonnet-4-5')).toEqual({
      text: 'Hello, world.',
      model: 'claude-sonnet-4-5-20250929',
      usage: { promptTokens: 12, completionTokens: 5 },
      finishReason: 'stop',
    });
  });

  it('maps tool_use blocks to tool calls with JSON args', () => {
    const response = message(
      [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } },
      ],
      'tool_use',
    );
    expect(fromWireResponse(response, 'm')).toMatchObject({
      text: 'Let me check.',
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'toolu_9', name: 'get_weather', args: '{"city":"Oslo"}' }],
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['something_new', 'stop'],
    [null, 'stop'],
  ])('maps stop_reason %s to %s', (stopReason, finishReason) => {
    expect(fromWireResponse(message([{ type: 'text', text: 'x' }], stopReason), 'm').finishReason).toBe(finishReason);
  });

  it('counts prompt-cache tokens as prompt tokens', () => {
    const response = message([{ type: 'text', text: 'x' }], 'end_turn', {
      usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 },
    });
    expect(fromWireResponse(response, 'm').usage).toEqual({ promptTokens: 1110, completionTokens: 3 });
  });

  it('skips block types it does not use, such as thinking', () => {
    const response = message([
      { type: 'thinking', thinking: 'hmm', signature: 's' },
      { type: 'text', text: 'Done.' },
    ]);
    expect(fromWireResponse(response, 'm').text).toBe('Done.');
  });

  it.each([
    ['an error envelope', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
    ['no content', { type: 'message', stop_reason: 'end_turn' }],
    ['a text block without text', { type: 'message', content: [{ type: 'text' }] }],
    ['a tool_use block without an id', { type: 'message', content: [{ type: 'tool_use', name: 'f', input: {} }] }],
  ])('rejects %s', (_, body) => {
    expect(wireResponseSchema.safeParse(body).success).toBe(false);
  });
});
