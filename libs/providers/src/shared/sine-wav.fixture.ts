import { pcmToWav } from './audio';

/** 16-bit little-endian mono PCM of a sine tone: `seconds` × `sampleRate` samples exactly. */
export function sinePcm({ seconds = 0.5, sampleRate = 16_000, frequency = 440 } = {}): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    pcm.writeInt16LE(Math.round(0.3 * 32_767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), i * 2);
  }
  return pcm;
}

/** Test audio without binary fixtures: a mono 16-bit WAV of a sine tone, real enough for any decoder. */
export function sineWav(options: { seconds?: number; sampleRate?: number; frequency?: number } = {}): Buffer {
  return pcmToWav(sinePcm(options), { sampleRate: options.sampleRate ?? 16_000, channels: 1 });
}
