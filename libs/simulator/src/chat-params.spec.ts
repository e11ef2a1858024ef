import { describe, expect, it } from 'vitest';
import { buildReply, chatRequestSchema, completionBody } from './chat-completion';
import { cutAtStop, cutAtTokens, logprobsOf, sampleJson } from './chat-params';

describe('sampleJson', () => {
  it('fills every property of a nested schema, following $refs and picking the non-null choice', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        when: { type: 'string', format: 'date-time' },
        count: { type: 'integer', minimum: 3 },
        kind: { enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        child: { $ref: '#/$defs/Child' },
      },
      $defs: { Child: { type: 'object', properties: { ok: { type: 'boolean' } } } },
    };
    expect(sampleJson(schema)).toEqual({
      name: 'simulated',
      when: '2025-01-01T00:00:00.000Z',
      count: 3,
      kind: 'a',
      tags: ['simulated'],
      note: 'simulated',
      child: { ok: true },
    });
  });
});

describe('stop, token limits and logprobs', () => {
  it('cuts before the first stop sequence and at a token limit', () => {
    expect(cutAtStop('one two three', ['three', 'two'])).toBe('one ');
    expect(cutAtTokens('one two three', 2)).toEqual({ text: 'one two ', cut: true });
    expect(cutAtTokens('one two', 2)).toEqual({ text: 'one two', cut: false });
  });

  it('gives one deterministic logprob per token, with the asked number of alternatives', () => {
    const first = logprobsOf('one two', 3);
    expect(first.map((t) => t.token)).toEqual(['one ', 'two']);
    expect(first.every((t) => t.logprob < 0 && t.top_logprobs.length === 3)).toBe(true);
    expect(logprobsOf('one two', 3)).toEqual(first);
  });

  it('answers n choices, each honouring the request', () => {
    const reply = buildReply(chatRequestSchema.parse({ messages: [{ role: 'user', content: 'hi' }], n: 2, max_tokens: 2, logprobs: true }), []);
    const body = completionBody(reply) as { choices: Array<{ index: number; finish_reason: string; message: { content: string }; logprobs: unknown }> };
    expect(body.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Simulated reply ', 'length'],
      [1, 'Simulated reply ', 'length'],
    ]);
    expect(body.choices[0]!.logprobs).toMatchObject({ content: [{ token: 'Simulated ' }, { token: 'reply ' }] });
  });
});
