import { describe, expect, it } from 'vitest';
import type { ChatParam } from '@voxq/contracts';
import type { LlmProvider, Provider, SttProvider } from './provider';
import { noCandidateMessage, rankCandidates, selectCandidates, translates } from './candidates';

// What a job asks beyond its constraints (chat parameters, a translation), and the message
// that names what excluded every provider.

const intent = { language: 'en', optimizeFor: 'balanced' as const };

function llm(name: string, chatParams?: readonly ChatParam[]): LlmProvider {
  return {
    name,
    capability: 'llm',
    languages: '*',
    defaultModel: `${name}-1`,
    ...(chatParams ? { profile: { quality: 0.5, costPerUnit: 1, latencyMs: 500, verticals: [], chatParams } } : {}),
    complete: async () => ({ text: '', model: `${name}-1`, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'stop' }),
  };
}

function stt(name: string, translating: boolean): SttProvider {
  return {
    name,
    capability: 'stt',
    languages: '*',
    defaultModel: `${name}-1`,
    transcribe: async () => ({ text: '', model: `${name}-1`, durationSeconds: 0 }),
    ...(translating ? { translate: async () => ({ text: '', model: `${name}-1`, durationSeconds: 0 }) } : {}),
  };
}

const names = (selection: { candidates: Array<{ provider: Provider }> }) => selection.candidates.map((c) => c.provider.name);

describe('chat parameters', () => {
  const openai = llm('openai', ['n', 'logprobs', 'seed']);
  const plain = llm('plain', ['seed']);
  const bare = llm('bare');

  it('keeps only LLM providers that honour every parameter asked for, saying what each lacks', () => {
    const selection = selectCandidates([openai, plain, bare], 'llm', intent, {}, { chatParams: ['n', 'seed'] });
    expect(names(selection)).toEqual(['openai']);
    expect(selection.excluded).toEqual([
      { provider: 'plain', by: 'chatParams', reason: 'does not support n' },
      { provider: 'bare', by: 'chatParams', reason: 'does not support n, seed' },
    ]);
  });

  it('excludes nobody when no parameter, or an empty list, is asked for', () => {
    expect(names(selectCandidates([openai, plain, bare], 'llm', intent, {}))).toEqual(['openai', 'plain', 'bare']);
    expect(names(selectCandidates([openai, plain, bare], 'llm', intent, {}, { chatParams: [] }))).toEqual(['openai', 'plain', 'bare']);
  });

  it('applies to LLM providers only', () => {
    expect(names(selectCandidates([stt('deepgram', false)], 'stt', intent, {}, { chatParams: ['n'] }))).toEqual(['deepgram']);
  });

  it('names each provider and what it lacks when none is left', () => {
    const selection = selectCandidates([plain, bare], 'llm', intent, {}, { chatParams: ['logprobs'] });
    expect(noCandidateMessage('llm', intent, selection)).toBe(
      'No llm provider can serve this job: plain does not support logprobs; bare does not support logprobs',
    );
  });
});

describe('translation', () => {
  it('is what an STT provider with a translate method does, and nothing else', () => {
    expect(translates(stt('whisper', true))).toBe(true);
    expect(translates(stt('deepgram', false))).toBe(false);
    expect(translates({ ...llm('openai'), translate: async () => ({}) } as unknown as Provider)).toBe(false);
  });

  it('keeps only translating providers for a translation, and says why the others went', () => {
    const selection = selectCandidates([stt('deepgram', false), stt('whisper', true)], 'stt', intent, {}, { translation: true });
    expect(names(selection)).toEqual(['whisper']);
    const none = selectCandidates([stt('deepgram', false)], 'stt', intent, {}, { translation: true });
    expect(noCandidateMessage('stt', intent, none)).toBe('No stt provider can serve this job: deepgram does not translate');
  });
});

describe('rankCandidates', () => {
  it('keeps the configured order and says so', () => {
    const providers = [llm('a'), llm('b'), llm('c')];
    expect(rankCandidates(providers, intent).map((r) => r.reason)).toEqual([
      'configured order (1 of 3)',
      'configured order (2 of 3)',
      'configured order (3 of 3)',
    ]);
  });
});

describe('noCandidateMessage', () => {
  it('lists every constraint that excluded providers, then names nobody configured', () => {
    const selection = selectCandidates([llm('a'), llm('b')], 'llm', { language: 'fr', optimizeFor: 'balanced' }, { allowedProviders: { llm: ['b', 'ghost'] } });
    expect(noCandidateMessage('llm', { language: 'fr', optimizeFor: 'balanced' }, selection)).toBe(
      'No llm provider can serve this job: allowedProviders.llm excluded a; allowedProviders.llm names ghost, which is not configured',
    );
  });

  it('names every provider an allow-list excluded', () => {
    const selection = selectCandidates([llm('a'), llm('b'), llm('c')], 'llm', intent, { allowedProviders: { llm: ['c'] } });
    expect(noCandidateMessage('llm', intent, selection)).toBe('No llm provider can serve this job: allowedProviders.llm excluded a, b');
  });

  it('says "are" for several unknown names', () => {
    const selection = selectCandidates([llm('a')], 'llm', intent, { allowedProviders: { llm: ['ghost', 'phantom'] } });
    expect(noCandidateMessage('llm', intent, selection)).toBe(
      'No llm provider can serve this job: allowedProviders.llm excluded a; allowedProviders.llm names ghost, phantom, which are not configured',
    );
  });

  it('says nothing is configured when nothing was excluded', () => {
    expect(noCandidateMessage('tts', intent, selectCandidates([], 'tts', intent, {}))).toBe(
      'No tts provider can serve this job: no tts provider is configured',
    );
  });
});
