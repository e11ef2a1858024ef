import { describe, expect, it } from 'vitest';
import { MAX_SPEECH_INSTRUCTIONS_CHARS, synthesizeInputSchema } from './job-inputs.schema';

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
