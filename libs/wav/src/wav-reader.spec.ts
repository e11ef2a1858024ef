import { describe, expect, it } from 'vitest';
import { readWav, withExactWavSizes } from './wav-reader';
import { pcmToWav } from './wav-writer';

/** A mono 16-bit PCM WAV with `samples` zero samples and the given declared data size. */
function wav(sampleRate: number, samples: number, declaredDataBytes = samples * 2): Buffer {
  const file = pcmToWav(Buffer.alloc(samples * 2), { sampleRate });
  file.writeUInt32LE(36 + declaredDataBytes, 4);
  file.writeUInt32LE(declaredDataBytes, 40);
  return file;
}

describe('readWav', () => {
  it('computes the duration from the format and data size', () => {
    const info = readWav(wav(16_000, 8_000));
    expect(info).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataOffset: 44, dataBytes: 16_000 });
    expect(info.durationSeconds).toBeCloseTo(0.5);
  });

  it('trusts the bytes present over a streamed header size (espeak-ng writes 0x7ffff000)', () => {
    const info = readWav(wav(22_050, 22_050, 0x7ffff000));
    expect(info.dataBytes).toBe(44_100);
    expect(info.durationSeconds).toBeCloseTo(1);
  });

  it('rejects what is not a WAV', () => {
    expect(() => readWav(Buffer.from('not audio at all'))).toThrow('not a RIFF/WAVE file');
  });
});

describe('withExactWavSizes', () => {
  it('rewrites the RIFF and data sizes to the real length', () => {
    const fixed = withExactWavSizes(wav(22_050, 100, 0x7ffff000));
    expect(fixed.readUInt32LE(4)).toBe(fixed.length - 8);
    expect(fixed.readUInt32LE(40)).toBe(200);
  });
});
