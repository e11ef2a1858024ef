import { describe, expect, it } from 'vitest';
import { float32Base64, simulatedEmbedding } from './openai-embeddings';

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe('simulatedEmbedding', () => {
  it('is deterministic per model and text, a unit vector of the length asked', () => {
    const a = simulatedEmbedding('text-embedding-3-small', 'hello', 1536);
    expect(a).toHaveLength(1536);
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(simulatedEmbedding('text-embedding-3-small', 'hello', 1536)).toEqual(a);
    expect(simulatedEmbedding('text-embedding-3-small', 'hello!', 1536)).not.toEqual(a);
    expect(simulatedEmbedding('text-embedding-3-large', 'hello', 1536)).not.toEqual(a);
  });

  it('shortens as OpenAI does: the leading values of the full vector, scaled back to length 1', () => {
    const full = simulatedEmbedding('m', 'text', 64);
    const short = simulatedEmbedding('m', 'text', 8);
    expect(norm(short)).toBeCloseTo(1, 5);
    const scale = norm(full.slice(0, 8));
    short.forEach((x, i) => expect(x).toBeCloseTo(full[i]! / scale, 6));
  });

  it('holds float32 values, so base64 carries exactly the same numbers', () => {
    const v = simulatedEmbedding('m', 'text', 16);
    v.forEach((x) => expect(Math.fround(x)).toBe(x));
    const bytes = Buffer.from(float32Base64(v), 'base64');
    expect(bytes).toHaveLength(64);
    expect(Array.from({ length: 16 }, (_, i) => bytes.readFloatLE(i * 4))).toEqual(v);
  });
});
