import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../provider';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { wireResponseSchema } from './wire.schema';

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  executionMode: 'inline' as const,
};

describe('toWireRequest', () => {
  it('maps a full tool-using conversation to the Chat Completions body', () => {
    const request: LlmRequest = {
      systemPrompt: 'You are concise.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', args: '{"city":"Paris"}' }] },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
      ],
      tools: [weather],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      maxTokens: 200,
      temperature: 0.3,
      reasoningEffort: 'low',
    };
    expect(toWireRequest(request, 'gpt-4o-mini')).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are concise.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: weather.description, parameters: weather.parameters } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      max_tokens: 200,
      temperature: 0.3,
      reasoning_effort: 'low',
    });
  });

  it('sends only what was asked for', () => {
    expect(toWireRequest({ messages: [{ role: 'user', content: 'Hi' }], reasoningEffort: 'none' }, 'm')).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it.each(['auto', 'none', 'required'] as const)('passes tool_choice %s through', (choice) => {
    expect(toWireRequest({ messages: [{ role: 'user', content: 'Hi' }], tools: [weather], toolChoice: choice }, 'm').tool_choice).toBe(choice);
  });

  it('leaves parallel_tool_calls out without tools, which OpenAI would reject', () => {
    expect(toWireRequest({ messages: [{ role: 'user', content: 'Hi' }], parallelToolCalls: true }, 'm')).not.toHaveProperty('parallel_tool_calls');
  });
});

describe('fromWireResponse', () => {
  const parse = (body: unknown) => wireResponseSchema.parse(body);

  it('maps text, usage and finish reason', () => {
    const response = parse({
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 },
    });
    expect(fromWireResponse(response, 'gpt-4o-mini')).toEqual({
      text: 'Hello!',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { promptTokens: 14, completionTokens: 4 },
      finishReason: 'length',
    });
  });

  it('maps tool calls back to {id, name, args}', () => {
    const response = parse({
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect(fromWireResponse(response, 'm')).toEqual({
      text: '',
      model: 'm',
      usage: { promptTokens: 0, completionTokens: 0 },
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'call_9', name: 'get_weather', args: '{"city":"Oslo"}' }],
    });
  });

  it('reports tool_calls when a compatible server says stop beside tool calls', () => {
    const response = parse({
      choices: [{ message: { content: '', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }],
    });
    expect(fromWireResponse(response, 'm').finishReason).toBe('tool_calls');
  });

  it('rejects a body without choices', () => {
    expect(wireResponseSchema.safeParse({ choices: [] }).success).toBe(false);
  });
});
