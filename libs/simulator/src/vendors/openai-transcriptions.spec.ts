import { describe, expect, it } from 'vitest';
import { pcmTone, wav } from '../audio';
import { isWav, simulatedHearing, wavDurationSeconds } from './openai-transcriptions';

describe('wavDurationSeconds', () => {
  it('reads the length from the header, capped at the data present', () => {
    const audio = wav(pcmTone(1.25, 16_000), 16_000);
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
    expect(simulatedHearing(wav(pcmTone(0.5, 8_000), 8_000), 'audio/wav', 'nova-2').durationSeconds).toBeCloseTo(0.5);
  });
});
