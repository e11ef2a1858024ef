/** How the samples of a PCM buffer are stored. */
export type PcmEncoding = 'pcm_s16le' | 'pcm_f32le';

export interface WavFormat {
  sampleRate: number;
  /** @defaultValue 1 */
  channels?: number;
  /**
   * 16-bit integer (format tag 1) or 32-bit IEEE float (format tag 3) samples, little-endian.
   * @defaultValue `'pcm_s16le'`
   */
  encoding?: PcmEncoding;
}

/**
 * Wraps raw little-endian PCM in a 44-byte RIFF/WAVE header with exact sizes: the one WAV
 * writer (providers wrap PCM for upstreams that only take containers, the simulator answers
 * with it, tests make audio with it).
 */
export function pcmToWav(pcm: Buffer, format: WavFormat): Buffer {
  const channels = format.channels ?? 1;
  const float = format.encoding === 'pcm_f32le';
  const bytesPerSample = float ? 4 : 2;
  const blockAlign = channels * bytesPerSample;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(float ? 3 : 1, 20); // 3: IEEE float, 1: integer PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}
