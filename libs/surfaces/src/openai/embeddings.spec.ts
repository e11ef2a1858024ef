import { describe, expect, it } from 'vitest';
import type { EmbedResult } from '@voxq/contracts';
import { embeddingsList, embeddingsRequestSchema } from './embeddings';

const result: EmbedResult = {
  provider: 'openai',
  model: 'text-embedding-3-small',
  failoverCount: 0,
  scoresRunId: null,
  timings: { queuedMs: 1, processingMs: 2, providerMs: 1 },
  embeddings: [
    [0.5, -0.25],
    [1, 0],
  ],
  usage: { promptTokens: 3 },
};

describe('embeddingsList', () => {
  it("writes OpenAI's list: one embedding per input, in order, usage in OpenAI's names", () => {
    expect(embeddingsList(result, 'float')).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it('writes base64 as little-endian float32, which the official SDK decodes', () => {
    const [first] = embeddingsList(result, 'base64').data;
    const bytes = Buffer.from(first!.embedding as string, 'base64');
    expect(bytes).toHaveLength(8);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([0.5, -0.25]);
  });
});

describe('embeddingsRequestSchema', () => {
  const parse = (body: unknown) => embeddingsRequestSchema.safeParse(body);
  it('takes a string, strings or token ids (refused later, by name), and the SDK nulls', () => {
    expect(parse({ model: 'm', input: 'a' }).success).toBe(true);
    expect(parse({ model: 'm', input: ['a', 'b'], encoding_format: 'base64', dimensions: 8, user: 'u' }).success).toBe(true);
    expect(parse({ model: 'm', input: [1, 2], dimensions: null, encoding_format: null }).success).toBe(true);
  });
  it('refuses an empty input, an empty text, too many texts, a bad format or length', () => {
    for (const body of [
      { model: 'm', input: '' },
      { model: 'm', input: [] },
      { model: 'm', input: ['a', ''] },
      { model: 'm', input: Array.from({ length: 2049 }, () => 'x') },
      { model: 'm', input: 'a', encoding_format: 'int8' },
      { model: 'm', input: 'a', dimensions: 0 },
      { input: 'a' },
    ]) {
      expect(parse(body).success, JSON.stringify(body).slice(0, 80)).toBe(false);
    }
  });
});
