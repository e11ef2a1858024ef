export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the sample data. */
  dataOffset: number;
  /** Bytes of sample data actually present (see `readWav`). */
  dataBytes: number;
  durationSeconds: number;
}

/**
 * Reads a RIFF/WAVE header. Engines that write WAV to a pipe cannot seek back to fill in
 * the sizes (espeak-ng writes 0x7ffff000), so the data length is capped at what the buffer
 * holds rather than trusted.
 */
export function readWav(buffer: Buffer): WavInfo {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let format: { channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | undefined;
  let pos = 12;
  while (pos + 8 <= buffer.length) {
    const id = buffer.toString('ascii', pos, pos + 4);
    const size = buffer.readUInt32LE(pos + 4);
    if (id === 'fmt ' && pos + 24 <= buffer.length) {
      format = {
        channels: buffer.readUInt16LE(pos + 10),
        sampleRate: buffer.readUInt32LE(pos + 12),
        byteRate: buffer.readUInt32LE(pos + 16),
        bitsPerSample: buffer.readUInt16LE(pos + 22),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      if (format.byteRate === 0) throw new Error('WAV byte rate is 0');
      const dataOffset = pos + 8;
      const dataBytes = Math.min(size, buffer.length - dataOffset);
      return {
        sampleRate: format.sampleRate,
        channels: format.channels,
        bitsPerSample: format.bitsPerSample,
        dataOffset,
        dataBytes,
        durationSeconds: dataBytes / format.byteRate,
      };
    }
    pos += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

/** A copy of the WAV whose RIFF and data sizes match its real length, so every player accepts it. */
export function withExactWavSizes(buffer: Buffer): Buffer {
  const info = readWav(buffer);
  const end = info.dataOffset + info.dataBytes;
  const fixed = Buffer.from(buffer.subarray(0, end));
  fixed.writeUInt32LE(end - 8, 4);
  fixed.writeUInt32LE(info.dataBytes, info.dataOffset - 4);
  return fixed;
}
