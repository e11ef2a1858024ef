import { describe, expect, it } from 'vitest';
import { sinePcm, sineWav } from './tone';
import { readWav } from './wav-reader';
import { pcmToWav } from './wav-writer';

describe('pcmToWav', () => {
  it('writes a 44-byte header with exact sizes and the format', () => {
    const pcm = sinePcm({ seconds: 1, sampleRate: 22_050 });
    const file = pcmToWav(pcm, { sampleRate: 22_050 });
    expect(file.length).toBe(44 + pcm.length);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(file.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(file.readUInt16LE(20)).toBe(1);
    expect(file.readUInt32LE(24)).toBe(22_050);
    expect(file.readUInt32LE(28)).toBe(44_100);
    expect(file.readUInt16LE(34)).toBe(16);
    expect(file.toString('ascii', 36, 40)).toBe('data');
    expect(file.readUInt32LE(40)).toBe(pcm.length);
    expect(file.subarray(44).equals(pcm)).toBe(true);
  });

  it('marks float samples as IEEE float', () => {
    const file = pcmToWav(Buffer.alloc(3_200), { sampleRate: 8_000, encoding: 'pcm_f32le' });
    expect(file.readUInt16LE(20)).toBe(3);
    expect(file.readUInt32LE(28)).toBe(32_000);
    expect(file.readUInt16LE(34)).toBe(32);
  });

  it('wraps PCM in a header readWav accepts, with the exact length', () => {
    const wav = pcmToWav(sinePcm({ seconds: 0.25, sampleRate: 24_000 }), { sampleRate: 24_000, channels: 1 });
    expect(readWav(wav)).toMatchObject({ sampleRate: 24_000, channels: 1, bitsPerSample: 16, dataOffset: 44, dataBytes: 12_000 });
    expect(readWav(wav).durationSeconds).toBeCloseTo(0.25);
  });

  it('states the block size and byte rate of several channels', () => {
    const file = pcmToWav(Buffer.alloc(16_000), { sampleRate: 8_000, channels: 2 });
    expect(file.readUInt16LE(22)).toBe(2);
    expect(file.readUInt16LE(32)).toBe(4);
    expect(readWav(file).durationSeconds).toBeCloseTo(0.5);
  });
});

describe('sineWav', () => {
  it('is exactly seconds × rate samples of a tone, the same every time', () => {
    const wav = sineWav({ seconds: 0.5, sampleRate: 16_000 });
    expect(readWav(wav)).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataBytes: 16_000 });
    expect(wav.equals(sineWav({ seconds: 0.5, sampleRate: 16_000 }))).toBe(true);
    expect(wav.subarray(44).some((byte) => byte !== 0)).toBe(true);
  });
});
