import { describe, expect, it } from 'vitest';
import { ESPEAK_TTS_PROFILE } from './espeak-ng/profile';
import { OPENAI_TTS_PROFILE } from './openai/profile';
import { honoursInstructions, unusedSpeechParams, unusedTranscribeParams } from './speech-params';

const openai = { profile: OPENAI_TTS_PROFILE };
const espeak = { profile: ESPEAK_TTS_PROFILE };

describe('speech parameters only some models honour', () => {
  it.each([
    [openai, 'gpt-4o-mini-tts', true],
    [openai, 'gpt-4o-mini-tts-2025-03-20', true],
    [openai, 'tts-1', false],
    [openai, 'tts-1-hd', false],
    [espeak, 'espeak-ng', false],
    [{}, 'gpt-4o-mini-tts', false],
  ])('instructions on %#: %s → %s', (provider, model, honoured) => {
    expect(honoursInstructions(provider, model)).toBe(honoured);
  });

  it('lists instructions as unused only when set and not honoured', () => {
    expect(unusedSpeechParams(espeak, 'espeak-ng', { instructions: 'Calm.' })).toEqual(['instructions']);
    expect(unusedSpeechParams(openai, 'gpt-4o-mini-tts', { instructions: 'Calm.' })).toEqual([]);
    expect(unusedSpeechParams(espeak, 'espeak-ng', {})).toEqual([]);
  });
});

describe('transcribe parameters only some providers honour', () => {
  it('lists keywords as unused only when set and the provider does not take them', () => {
    expect(unusedTranscribeParams({}, { keywords: ['Acme'] })).toEqual(['keywords']);
    expect(unusedTranscribeParams({ keywords: true }, { keywords: ['Acme'] })).toEqual([]);
    expect(unusedTranscribeParams({}, {})).toEqual([]);
  });
});
