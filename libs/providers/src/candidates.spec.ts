import { describe, expect, it } from 'vitest';
import type { Provider, SttProvider } from './provider';
import { noCandidateMessage, selectCandidates } from './candidates';

const intent = (language: string) => ({ language, optimizeFor: 'balanced' as const });

function stt(name: string, languages: readonly string[] | '*', defaultModel = `${name}-default`): SttProvider {
  return {
    name,
    capability: 'stt',
    languages,
    defaultModel,
    transcribe: async () => ({ text: '', model: defaultModel, durationSeconds: 0 }),
  };
}

const providers = [stt('deepgram', '*'), stt('pocketsphinx', ['en']), stt('whisper', ['en', 'fr'])];
const names = (selection: { candidates: Array<{ provider: Provider }> }) => selection.candidates.map((c) => c.provider.name);

describe('selectCandidates', () => {
  it('keeps the configured order and each provider default model', () => {
    const selection = selectCandidates(providers, 'stt', intent('en-US'), {});
    expect(names(selection)).toEqual(['deepgram', 'pocketsphinx', 'whisper']);
    expect(selection.candidates.map((c) => [c.rank, c.model])).toEqual([
      [1, 'deepgram-default'],
      [2, 'pocketsphinx-default'],
      [3, 'whisper-default'],
    ]);
    expect(selection.excluded).toEqual([]);
  });

  it('filters by allowedProviders for the capability, without reordering', () => {
    const selection = selectCandidates(providers, 'stt', intent('en'), { allowedProviders: { stt: ['whisper', 'deepgram'] } });
    expect(names(selection)).toEqual(['deepgram', 'whisper']);
    expect(selection.excluded).toEqual([{ provider: 'pocketsphinx', by: 'allowedProviders', reason: 'not in allowedProviders.stt' }]);
  });

  it('ignores allow-lists of other capabilities', () => {
    expect(names(selectCandidates(providers, 'stt', intent('en'), { allowedProviders: { llm: ['openai'] } }))).toHaveLength(3);
  });

  it('filters by the primary subtag of the intent language', () => {
    const selection = selectCandidates(providers, 'stt', intent('FR-ca'), {});
    expect(names(selection)).toEqual(['deepgram', 'whisper']);
    expect(selection.excluded).toEqual([{ provider: 'pocketsphinx', by: 'language', reason: "language 'FR-ca' is not supported" }]);
  });

  it('uses the pinned model for every candidate', () => {
    const selection = selectCandidates(providers, 'stt', intent('en'), { models: { stt: 'large-v3' } });
    expect(selection.candidates.map((c) => c.model)).toEqual(['large-v3', 'large-v3', 'large-v3']);
  });
});

describe('noCandidateMessage', () => {
  it('says which constraint excluded which provider', () => {
    const selection = selectCandidates(providers, 'stt', intent('de'), { allowedProviders: { stt: ['pocketsphinx', 'whisper', 'azure'] } });
    expect(selection.candidates).toEqual([]);
    expect(noCandidateMessage('stt', intent('de'), selection)).toBe(
      "No stt provider can serve this job: allowedProviders.stt excluded deepgram; language 'de' is not supported by pocketsphinx, whisper; " +
        'allowedProviders.stt names azure, which is not configured',
    );
  });

  it('says when nothing is configured for the capability', () => {
    expect(noCandidateMessage('llm', intent('en'), selectCandidates([], 'llm', intent('en'), {}))).toBe(
      'No llm provider can serve this job: no llm provider is configured',
    );
  });

  it('keeps only providers that translate for a translation, and says which do not', () => {
    const translator: SttProvider = { ...stt('whisper', '*'), translate: async () => ({ text: '', model: 'w', durationSeconds: 0 }) };
    const selection = selectCandidates([stt('deepgram', '*'), translator], 'stt', intent('en'), {}, { translation: true });
    expect(names(selection)).toEqual(['whisper']);
    expect(selection.excluded).toEqual([{ provider: 'deepgram', by: 'translation', reason: 'does not translate' }]);
    const none = selectCandidates([stt('deepgram', '*')], 'stt', intent('en'), {}, { translation: true });
    expect(noCandidateMessage('stt', intent('en'), none)).toBe('No stt provider can serve this job: deepgram does not translate');
  });
});
