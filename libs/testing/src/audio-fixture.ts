import { sineWav as toneWav } from '@voxq/wav';

/**
 * Test audio without binary fixtures: a short mono 16-bit WAV of a 440 Hz tone, real
 * enough for any decoder and any speech-to-text route (`@voxq/wav` writes it).
 */
export function sineWav(seconds = 0.5, rate = 16_000): Buffer {
  return toneWav({ seconds, sampleRate: rate, amplitude: 8_000 });
}
