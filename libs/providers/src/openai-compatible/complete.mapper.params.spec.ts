import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../provider';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { wireResponseSchema } from './wire.schema';

const hi: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };

describe('toWireRequest: the chat parameters', () => {
  it('sends each one under its OpenAI name', () => {
    const request: LlmRequest = {
      ...hi,
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'w', schema: { type: 'object' }, strict: true } },
      n: 2,
      stop: ['\n\n'],
      seed: 7,
      topP: 0.9,
      presencePenalty: 0.1,
      frequencyPenalty: -0.1,
      logitBias: { '42': -100 },
      logprobs: true,
      topLogprobs: 3,
      user: 'u1',
      metadata: { team: 'a' },
      serviceTier: 'flex',
      store: false,
      verbosity: 'high',
      prediction: { type: 'content', content: 'x' },
      webSearchOptions: { search_context_size: 'low' },
      promptCacheKey: 'k',
      promptCacheRetention: '24h',
      safetyIdentifier: 's',
    };
    expect(toWireRequest(request, 'gpt-4o-mini')).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' }, strict: true } },
      n: 2,
      stop: ['\n\n'],
      seed: 7,
      top_p: 0.9,
      presence_penalty: 0.1,
      frequency_penalty: -0.1,
      logit_bias: { '42': -100 },
      logprobs: true,
      top_logprobs: 3,
      user: 'u1',
      metadata: { team: 'a' },
      service_tier: 'flex',
      store: false,
      verbosity: 'high',
      prediction: { type: 'content', content: 'x' },
      web_search_options: { search_context_size: 'low' },
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      safety_identifier: 's',
    });
  });

  it('sends none of them when the request sets none', () => {
    expect(toWireRequest(hi, 'm')).toEqual({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('sends a json_object format as is', () => {
    expect(toWireRequest({ ...hi, responseFormat: { type: 'json_object' } }, 'm').response_format).toEqual({ type: 'json_object' });
  });
});

describe('fromWireResponse: n choices and logprobs', () => {
  const token = (t: string, logprob: number) => ({ token: t, logprob, bytes: [...Buffer.from(t)], top_logprobs: [{ token: t, logprob, bytes: null }] });
  const wire = wireResponseSchema.parse({
    model: 'gpt-4o-mini',
    choices: [
      { index: 1, message: { content: 'B' }, finish_reason: 'length', logprobs: { content: [token('B', -0.5)] } },
      { index: 0, message: { content: 'A' }, finish_reason: 'stop', logprobs: { content: [token('A', -0.1)] } },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 2 },
  });

  it('keeps choice 0 at the top and the others, in index order, in moreChoices', () => {
    expect(fromWireResponse(wire, 'x')).toEqual({
      text: 'A',
      finishReason: 'stop',
      logprobs: [{ token: 'A', logprob: -0.1, bytes: [65], topLogprobs: [{ token: 'A', logprob: -0.1, bytes: null }] }],
      model: 'gpt-4o-mini',
      usage: { promptTokens: 3, completionTokens: 2 },
      moreChoices: [
        {
          text: 'B',
          finishReason: 'length',
          logprobs: [{ token: 'B', logprob: -0.5, bytes: [66], topLogprobs: [{ token: 'B', logprob: -0.5, bytes: null }] }],
        },
      ],
    });
  });

  it('has no moreChoices or logprobs when the answer has neither', () => {
    const single = fromWireResponse(wireResponseSchema.parse({ choices: [{ message: { content: 'A' }, finish_reason: 'stop', logprobs: null }] }), 'm');
    expect(single).not.toHaveProperty('moreChoices');
    expect(single).not.toHaveProperty('logprobs');
  });
});
