import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imageSeed, SIMULATED_IMAGE_SIDE, simulatedPng } from './openai-images';

/** The chunks of a PNG: type and data, each CRC left to the decoder below. */
function chunksOf(png: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

describe('simulatedPng', () => {
  it('is a real PNG: signature, an 8x8 RGB header, deflated rows of the right length, an end', () => {
    const png = simulatedPng(imageSeed('gpt-image-1', 'a fox', 0));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const chunks = chunksOf(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([SIMULATED_IMAGE_SIDE, SIMULATED_IMAGE_SIDE, 8, 2]);
    expect(inflateSync(chunks[1]!.data)).toHaveLength(SIMULATED_IMAGE_SIDE * (1 + SIMULATED_IMAGE_SIDE * 3));
  });

  it('draws the same picture for the same request, another for another prompt or index', () => {
    const a = simulatedPng(imageSeed('gpt-image-1', 'a fox', 0));
    expect(simulatedPng(imageSeed('gpt-image-1', 'a fox', 0))).toEqual(a);
    expect(simulatedPng(imageSeed('gpt-image-1', 'a cat', 0))).not.toEqual(a);
    expect(simulatedPng(imageSeed('gpt-image-1', 'a fox', 1))).not.toEqual(a);
  });
});
