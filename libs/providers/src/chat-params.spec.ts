import { describe, expect, it } from 'vitest';
import type { ChatParam } from '@voxq/contracts';
import { selectCandidates } from './candidates';
import { hasVoice, knownChatParams, requestedChatParams } from './chat-params';
import type { LlmProvider, LlmRequest } from './provider';

const llm = (name: string, chatParams?: ChatParam[]): LlmProvider => ({
  name,
  capability: 'llm',
  languages: '*',
  defaultModel: `${name}-model`,
  profile: { quality: 0.5, costPerUnit: 1, latencyMs: 1, verticals: [], ...(chatParams ? { chatParams } : {}) },
  complete: () => Promise.reject(new Error('not called')),
});
const intent = { language: 'en', optimizeFor: 'balanced' as const };

describe('requestedChatParams', () => {
  const hi: LlmRequest = { messages: [] };
  it('lists the parameters set to something only some providers do', () => {
    expect(requestedChatParams({ ...hi, n: 2, logitBias: {}, stop: ['x'], responseFormat: { type: 'json_object' } })).toEqual([
      'responseFormat',
      'n',
      'stop',
      'logitBias',
    ]);
  });
  it('leaves out the values every provider honours', () => {
    expect(requestedChatParams({ ...hi, n: 1, logprobs: false, topLogprobs: 0, responseFormat: { type: 'text' } })).toEqual([]);
  });
});

describe('selectCandidates with chat parameters', () => {
  const providers = [llm('anthropic', ['stop', 'topP', 'user']), llm('openai', ['logitBias', 'stop']), llm('bare')];
  it('keeps only the providers that honour every requested parameter, saying why the others went', () => {
    const selection = selectCandidates(providers, 'llm', intent, {}, { chatParams: ['logitBias'] });
    expect(selection.candidates.map((c) => c.provider.name)).toEqual(['openai']);
    expect(selection.excluded).toEqual([
      { provider: 'anthropic', by: 'chatParams', reason: 'does not support logitBias' },
      { provider: 'bare', by: 'chatParams', reason: 'does not support logitBias' },
    ]);
  });
  it('keeps every provider when nothing is requested', () => {
    expect(selectCandidates(providers, 'llm', intent, {}, { chatParams: [] }).candidates).toHaveLength(3);
  });
});

describe('hasVoice', () => {
  it("gives OpenAI's voice names only to providers that list them", () => {
    const withVoices = (voices?: readonly string[] | 'any') => ({ profile: { quality: 1, costPerUnit: 1, latencyMs: 1, verticals: [], voices } });
    expect(hasVoice(withVoices(['alloy', 'nova']), 'alloy')).toBe(true);
    expect(hasVoice(withVoices(['alloy', 'nova']), 'en-us')).toBe(false);
    expect(hasVoice(withVoices('any'), 'alloy')).toBe(false);
    expect(hasVoice({}, 'en-us')).toBe(true);
  });
});

describe('knownChatParams', () => {
  it("takes a config file's list in voxq's names and refuses a typo", () => {
    expect(knownChatParams('ollama', ['topP', 'stop'])).toEqual(['topP', 'stop']);
    expect(() => knownChatParams('ollama', ['top_p'])).toThrow(/compatible server 'ollama' names unknown chat parameters top_p/);
  });
});
