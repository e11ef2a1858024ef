import { pcmToWav } from './wav-writer';

export interface ToneOptions {
  /** @defaultValue 0.5 */
  seconds?: number;
  /** @defaultValue 16 000 */
  sampleRate?: number;
  /** @defaultValue 440 */
  frequency?: number;
  /**
   * Peak sample value (of 32 767).
   * @defaultValue 9 830 (30 % of full scale: audible, never clipping)
   */
  amplitude?: number;
}

/** 16-bit little-endian mono PCM of a sine tone: `seconds` × `sampleRate` samples (rounded). */
export function sinePcm({ seconds = 0.5, sampleRate = 16_000, frequency = 440, amplitude = 0.3 * 32_767 }: ToneOptions = {}): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const pcm = Buffer.alloc(samples * 2);
  const step = (2 * Math.PI * frequency) / sampleRate;
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(amplitude * Math.sin(i * step)), i * 2);
  return pcm;
}

/** Audio without binary fixtures: a mono 16-bit WAV of a sine tone, real enough for any decoder. */
export function sineWav(options: ToneOptions = {}): Buffer {
  return pcmToWav(sinePcm(options), { sampleRate: options.sampleRate ?? 16_000 });
}
