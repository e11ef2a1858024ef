import { describe, expect, it } from 'vitest';
import { espeakArgs, espeakVoice, espeakWordsPerMinute } from './synthesize';

describe('espeak-ng arguments', () => {
  it('derives the voice from the language unless one is given', () => {
    expect(espeakVoice({ voice: null, language: 'en-US' })).toBe('en-us');
    expect(espeakVoice({ language: 'pt-BR' })).toBe('pt-br');
    expect(espeakVoice({ voice: 'en-gb-x-rp', language: 'en-US' })).toBe('en-gb-x-rp');
  });

  it('scales 175 wpm by speed within espeak-ng range', () => {
    expect(espeakWordsPerMinute(1)).toBe(175);
    expect(espeakWordsPerMinute(2)).toBe(350);
    expect(espeakWordsPerMinute(0.25)).toBe(80);
    expect(espeakWordsPerMinute(4)).toBe(450);
  });

  it('keeps the text out of argv', () => {
    expect(espeakArgs({ language: 'en', speed: 1 })).toEqual(['--stdin', '--stdout', '-v', 'en', '-s', '175']);
  });
});
