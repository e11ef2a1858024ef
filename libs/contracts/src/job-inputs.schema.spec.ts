import { describe, expect, it } from 'vitest';
import {
  MAX_SPEECH_INSTRUCTIONS_CHARS,
  MAX_TRANSCRIBE_KEYWORD_CHARS,
  MAX_TRANSCRIBE_KEYWORDS,
  synthesizeInputSchema,
  transcribeInputSchema,
  transcribeRequestInputSchema,
} from './job-inputs.schema';

describe('synthesizeInputSchema', () => {
  it('takes the Speko SDK options model, instructions and spokenForm', () => {
    const input = synthesizeInputSchema.parse({ text: 'Hi.', model: 'gpt-4o-mini-tts', instructions: '  Calm.  ', spokenForm: true });
    expect(input).toEqual({ text: 'Hi.', speed: 1, model: 'gpt-4o-mini-tts', instructions: 'Calm.', spokenForm: true });
  });

  it('leaves them out when absent (literal text, no model preference)', () => {
    expect(synthesizeInputSchema.parse({ text: 'Hi.' })).toEqual({ text: 'Hi.', speed: 1 });
  });

  it.each([
    ['an empty model', { model: '' }, 'model'],
    ['a model past 128 characters', { model: 'm'.repeat(129) }, 'model'],
    ['blank instructions', { instructions: '   ' }, 'instructions'],
    ['instructions past the limit', { instructions: 'x'.repeat(MAX_SPEECH_INSTRUCTIONS_CHARS + 1) }, 'instructions'],
    ['a spokenForm that is not a boolean', { spokenForm: 'yes' }, 'spokenForm'],
  ])('refuses %s, naming the field', (_name, extra, field) => {
    const parsed = synthesizeInputSchema.safeParse({ text: 'Hi.', ...extra });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('transcribe keywords', () => {
  const audio = { data: 'UklGRg==', contentType: 'audio/wav' };

  it('keeps them trimmed, in order and casing, in the request and in the queued job', () => {
    expect(transcribeRequestInputSchema.parse({ audio, keywords: ['  Acme ', 'Dr. Chen'] }).keywords).toEqual(['Acme', 'Dr. Chen']);
    const queued = { audio: { key: 'tenants/t/audio/a.wav', contentType: 'audio/wav', bytes: 4 }, keywords: ['iPhone', 'McDonald'] };
    expect(transcribeInputSchema.parse(queued).keywords).toEqual(['iPhone', 'McDonald']);
  });

  it('leaves them out when absent', () => {
    expect(transcribeRequestInputSchema.parse({ audio })).not.toHaveProperty('keywords');
  });

  it.each([
    ['an empty list', [], ['keywords']],
    ['a blank keyword', ['Acme', '   '], ['keywords', 1]],
    ['a keyword past the limit', ['k'.repeat(MAX_TRANSCRIBE_KEYWORD_CHARS + 1)], ['keywords', 0]],
    ['more keywords than the limit', Array.from({ length: MAX_TRANSCRIBE_KEYWORDS + 1 }, (_, i) => `k${i}`), ['keywords']],
    ['a keyword that is not a string', [42], ['keywords', 0]],
    ['a string instead of a list', 'Acme', ['keywords']],
  ])('refuses %s, naming the field', (_name, keywords, path) => {
    const parsed = transcribeRequestInputSchema.safeParse({ audio, keywords });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(path);
  });

  it('takes the most keywords of the longest length', () => {
    const keywords = Array.from({ length: MAX_TRANSCRIBE_KEYWORDS }, (_, i) => `${i}`.padEnd(MAX_TRANSCRIBE_KEYWORD_CHARS, 'k'));
    expect(transcribeRequestInputSchema.parse({ audio, keywords }).keywords).toHaveLength(MAX_TRANSCRIBE_KEYWORDS);
  });
});
