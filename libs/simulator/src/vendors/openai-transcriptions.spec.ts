import { describe, expect, it } from 'vitest';
import { pcmToWav } from '@voxq/wav';
import { pcmTone } from '../audio';
import { isWav, simulatedHearing, simulatedPhrases, simulatedWords, wavDurationSeconds } from './openai-transcriptions';

describe('wavDurationSeconds', () => {
  it('reads the length from the header, capped at the data present', () => {
    const audio = pcmToWav(pcmTone(1.25, 16_000), { sampleRate: 16_000 });
    expect(wavDurationSeconds(audio)).toBeCloseTo(1.25);
    expect(wavDurationSeconds(audio.subarray(0, 44 + 16_000))).toBeCloseTo(0.5);
  });

  it('is undefined for anything but a readable WAV', () => {
    expect(isWav(Buffer.from('ID3 an mp3'))).toBe(false);
    expect(wavDurationSeconds(Buffer.from('ID3 an mp3'))).toBeUndefined();
    expect(wavDurationSeconds(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeUndefined();
  });
});

describe('simulatedHearing', () => {
  it('is deterministic, names what it heard, and assumes 32,000 bytes a second for non-WAV audio', () => {
    const mp3 = Buffer.alloc(64_000, 1);
    expect(simulatedHearing(mp3, 'audio/mpeg', 'whisper-1')).toEqual({
      transcript: 'Simulated transcript of 64000 bytes of audio/mpeg by whisper-1',
      durationSeconds: 2,
    });
    expect(simulatedHearing(pcmToWav(pcmTone(0.5, 8_000), { sampleRate: 8_000 }), 'audio/wav', 'nova-2').durationSeconds).toBeCloseTo(0.5);
  });
});

describe('simulatedWords and simulatedPhrases', () => {
  const hearing = { transcript: 'one two three four five six seven', durationSeconds: 3.5 };

  it('spreads the words evenly, the last ending with the audio', () => {
    const words = simulatedWords(hearing);
    expect(words).toHaveLength(7);
    expect(words[0]).toEqual({ word: 'one', start: 0, end: 0.5 });
    expect(words.at(-1)).toEqual({ word: 'seven', start: 3, end: 3.5 });
  });

  it('groups them three at a time, each phrase spanning its words', () => {
    expect(simulatedPhrases(hearing).map(({ text, start, end }) => ({ text, start, end }))).toEqual([
      { text: 'one two three', start: 0, end: 1.5 },
      { text: 'four five six', start: 1.5, end: 3 },
      { text: 'seven', start: 3, end: 3.5 },
    ]);
  });
});
