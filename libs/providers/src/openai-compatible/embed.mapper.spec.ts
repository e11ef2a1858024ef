import { describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../provider';
import { checkDimensions, decodeFloat32Base64, fromEmbeddingsResponse, toEmbeddingsRequest } from './embed.mapper';

const request: EmbeddingRequest = { input: ['a', 'b'] };
const float32 = (values: number[]) => {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
};

describe('toEmbeddingsRequest', () => {
  it('asks for float vectors, with dimensions and user only when given', () => {
    expect(toEmbeddingsRequest(request, 'text-embedding-3-small')).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' });
    expect(toEmbeddingsRequest({ ...request, dimensions: 64, user: 'u-1' }, 'm')).toEqual({
      model: 'm',
      input: ['a', 'b'],
      dimensions: 64,
      user: 'u-1',
      encoding_format: 'float',
    });
  });
});

describe('checkDimensions', () => {
  const small = { maxDimensions: 1536, shortens: true };
  const ada = { maxDimensions: 1536, shortens: false };
  it('lets through what the model can give, or a model it knows nothing of', () => {
    expect(() => checkDimensions('small', small, undefined)).not.toThrow();
    expect(() => checkDimensions('small', small, 1536)).not.toThrow();
    expect(() => checkDimensions('small', small, 1)).not.toThrow();
    expect(() => checkDimensions('ada', ada, 1536)).not.toThrow();
    expect(() => checkDimensions('local', undefined, 99_999)).not.toThrow();
  });
  it('refuses a length past the model, or any shortening of a model that cannot, naming the field', () => {
    expect(() => checkDimensions('small', small, 1537)).toThrow(expect.objectContaining({ status: 400, param: 'dimensions', failover: false }));
    expect(() => checkDimensions('ada', ada, 256, 'input.dimensions')).toThrow(expect.objectContaining({ status: 400, param: 'input.dimensions' }));
  });
});

describe('fromEmbeddingsResponse', () => {
  it('puts vectors back in input order by index, reading float arrays and base64 float32', () => {
    const wire = {
      data: [
        { index: 1, embedding: float32([0.5, -0.25]) },
        { index: 0, embedding: [1, 0] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 2 },
    };
    expect(fromEmbeddingsResponse('openai', wire, request, 'asked')).toEqual({
      embeddings: [
        [1, 0],
        [0.5, -0.25],
      ],
      model: 'text-embedding-3-small',
      usage: { promptTokens: 2 },
    });
  });

  it('falls back to the asked model and zero tokens when the server says neither', () => {
    const wire = { data: [{ index: 0, embedding: [1] }] };
    expect(fromEmbeddingsResponse('local', wire, { input: ['a'] }, 'nomic-embed-text')).toMatchObject({
      model: 'nomic-embed-text',
      usage: { promptTokens: 0 },
    });
  });

  it.each([
    ['too few vectors', { data: [{ index: 0, embedding: [1, 0] }] }, /1 embeddings for 2 inputs/],
    [
      'a repeated index',
      {
        data: [
          { index: 0, embedding: [1, 0] },
          { index: 0, embedding: [0, 1] },
        ],
      },
      /index 0 is out of range or repeated/,
    ],
    [
      'an index past the inputs',
      {
        data: [
          { index: 0, embedding: [1, 0] },
          { index: 2, embedding: [0, 1] },
        ],
      },
      /index 2/,
    ],
    [
      'vectors of different lengths',
      {
        data: [
          { index: 0, embedding: [1, 0] },
          { index: 1, embedding: [1] },
        ],
      },
      /different lengths/,
    ],
    [
      'base64 that is not float32s',
      {
        data: [
          { index: 0, embedding: 'AAA=' },
          { index: 1, embedding: [1] },
        ],
      },
      /not float32s/,
    ],
  ])('refuses %s as a broken answer (fail over)', (_name, wire, message) => {
    expect(() => fromEmbeddingsResponse('openai', wire, request, 'm')).toThrow(expect.objectContaining({ code: 'provider_unavailable', failover: true }));
    expect(() => fromEmbeddingsResponse('openai', wire, request, 'm')).toThrow(message);
  });

  it('refuses vectors of another length than the dimensions asked (the server ignored them)', () => {
    const wire = { data: [{ index: 0, embedding: [1, 0, 0] }] };
    expect(() => fromEmbeddingsResponse('local', wire, { input: ['a'], dimensions: 2 }, 'm')).toThrow(
      expect.objectContaining({ code: 'provider_misconfigured', failover: true, retryable: false }),
    );
  });
});

describe('decodeFloat32Base64', () => {
  it('reads little-endian float32s', () => {
    expect(decodeFloat32Base64(float32([1.5, -2, 0.125]))).toEqual([1.5, -2, 0.125]);
  });
});
