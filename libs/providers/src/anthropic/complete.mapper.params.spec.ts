import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../provider';
import { toWireRequest } from './complete.mapper';

const hi: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };

describe('toWireRequest: the chat parameters Anthropic has', () => {
  it('maps stop to stop_sequences, topP to top_p and user to metadata.user_id', () => {
    expect(toWireRequest({ ...hi, stop: ['END', '\n\n'], topP: 0.8, user: 'u-1' }, 'claude')).toMatchObject({
      stop_sequences: ['END', '\n\n'],
      top_p: 0.8,
      metadata: { user_id: 'u-1' },
    });
  });

  it('sends none of them when the request sets none', () => {
    const body = toWireRequest(hi, 'claude');
    expect(body).not.toHaveProperty('stop_sequences');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('metadata');
  });

  it('ignores what every provider does anyway: n 1, logprobs false, a text format', () => {
    expect(() => toWireRequest({ ...hi, n: 1, logprobs: false, topLogprobs: 0, responseFormat: { type: 'text' } }, 'claude')).not.toThrow();
  });

  it.each<[string, Partial<LlmRequest>]>([
    ['logitBias', { logitBias: { '1': 1 } }],
    ['n', { n: 2 }],
    ['seed', { seed: 1 }],
    ['presencePenalty', { presencePenalty: 1 }],
    ['logprobs', { logprobs: true }],
    ['responseFormat', { responseFormat: { type: 'json_object' } }],
  ])('refuses %s, which has no Anthropic equivalent, rather than dropping it', (param, extra) => {
    expect(() => toWireRequest({ ...hi, ...extra }, 'claude')).toThrow(expect.objectContaining({ code: 'unsupported_parameter', param: `input.${param}` }));
  });
});
