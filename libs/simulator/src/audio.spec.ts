import { describe, expect, it } from 'vitest';
import { MAX_SPEECH_SECONDS, mp3Frames, pcmTone, pcmToneF32, speechSeconds } from './audio';

describe('speechSeconds', () => {
  it('grows 60 ms a character, faster at a higher speed, within bounds', () => {
    expect(speechSeconds('x'.repeat(50))).toBeCloseTo(3);
    expect(speechSeconds('x'.repeat(50), 2)).toBeCloseTo(1.5);
    expect(speechSeconds('')).toBe(0.1);
    expect(speechSeconds('x'.repeat(100_000))).toBe(MAX_SPEECH_SECONDS);
  });
});

describe('pcmTone', () => {
  it('is deterministic 16-bit mono of the asked length, neither silent nor clipping', () => {
    const pcm = pcmTone(0.5, 24_000);
    expect(pcm.length).toBe(24_000);
    expect(pcm.equals(pcmTone(0.5, 24_000))).toBe(true);
    const samples = Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));
    expect(Math.max(...samples)).toBeGreaterThan(1_000);
    expect(Math.max(...samples.map(Math.abs))).toBeLessThan(32_767);
  });

  it('has a 32-bit float twin', () => {
    expect(pcmToneF32(0.5, 16_000).length).toBe(32_000);
  });
});

describe('mp3Frames', () => {
  it('is whole 417-byte MPEG-1 Layer III frames, each with a sync header, covering the duration', () => {
    const mp3 = mp3Frames(1);
    expect(mp3.length % 417).toBe(0);
    const frames = mp3.length / 417;
    expect(frames).toBe(Math.ceil(44_100 / 1152));
    for (let i = 0; i < frames; i++) expect(mp3.readUInt32BE(i * 417)).toBe(0xfffb90c4);
  });

  it('has at least one frame', () => {
    expect(mp3Frames(0).length).toBe(417);
  });
});
