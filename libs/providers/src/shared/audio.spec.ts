import { describe, expect, it } from 'vitest';
import { sineWav } from '@voxq/wav';
import { audioDurationSeconds, audioExtension, mediaType, pcmLayout } from './audio';

describe('mediaType and pcmLayout', () => {
  it('strips parameters and case', () => {
    expect(mediaType('Audio/WAV; codecs=1')).toBe('audio/wav');
  });

  it('reads the PCM layout, defaulting to 16 kHz mono', () => {
    expect(pcmLayout('audio/pcm;rate=24000')).toEqual({ sampleRate: 24_000, channels: 1 });
    expect(pcmLayout('audio/pcm; rate=48000; channels=2')).toEqual({ sampleRate: 48_000, channels: 2 });
    expect(pcmLayout('audio/pcm;rate=fast')).toEqual({ sampleRate: 16_000, channels: 1 });
    expect(pcmLayout('audio/wav')).toBeNull();
  });
});

describe('audioExtension', () => {
  const bytes = (...values: number[]) => Buffer.from(values);
  it.each([
    ['audio/x-wav', Buffer.alloc(0), 'wav'],
    ['audio/mpeg', Buffer.alloc(0), 'mp3'],
    ['audio/ogg; codecs=opus', Buffer.alloc(0), 'ogg'],
    ['audio/mp4', Buffer.alloc(0), 'm4a'],
    ['application/octet-stream', sineWav({ seconds: 0.01 }), 'wav'],
    ['application/octet-stream', Buffer.from('fLaC\0\0\0\x22'), 'flac'],
    ['application/octet-stream', Buffer.from('OggS\0\x02'), 'ogg'],
    ['application/octet-stream', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x01), 'webm'],
    ['application/octet-stream', Buffer.from('\0\0\0\x20ftypM4A '), 'm4a'],
    ['application/octet-stream', Buffer.from('ID3\x04\0'), 'mp3'],
    ['application/octet-stream', bytes(0xff, 0xfb, 0x90, 0x64), 'mp3'],
  ])('names %s (%#) %s', (contentType, audio, extension) => {
    expect(audioExtension(contentType, audio)).toBe(extension);
  });

  it('gives up on bytes it cannot place', () => {
    expect(audioExtension('application/octet-stream', Buffer.from('plain text, not audio'))).toBeNull();
    expect(audioExtension('audio/aac', Buffer.alloc(8))).toBeNull();
  });
});

describe('audioDurationSeconds', () => {
  it('reads WAV headers, computes raw PCM, and reports 0 for what it cannot tell', () => {
    expect(audioDurationSeconds(sineWav({ seconds: 0.5 }), 'audio/wav')).toBeCloseTo(0.5);
    expect(audioDurationSeconds(sineWav({ seconds: 0.5 }), 'application/octet-stream')).toBeCloseTo(0.5);
    expect(audioDurationSeconds(Buffer.alloc(48_000), 'audio/pcm;rate=24000')).toBeCloseTo(1);
    expect(audioDurationSeconds(Buffer.from('RIFF but broken'), 'audio/wav')).toBe(0);
    expect(audioDurationSeconds(Buffer.alloc(1_000), 'audio/mpeg')).toBe(0);
  });
});
