import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Fault, type Simulator } from '@voxq/simulator';
import type { CallContext, EmbeddingProvider } from '../provider';
import { OPENAI_EMBEDDING_MODELS } from '../openai/profile';
import { createOpenAiCompatibleEmbedding } from './embed';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });
const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe('openai-compatible embeddings against the simulator', () => {
  let simulator: Simulator;
  let embedder: EmbeddingProvider;
  const create = (overrides: Partial<Parameters<typeof createOpenAiCompatibleEmbedding>[0]> = {}) =>
    createOpenAiCompatibleEmbedding({
      name: 'openai',
      baseUrl: simulator.baseUrlFor('openai'),
      apiKey: 'sk-test-123',
      defaultModel: 'text-embedding-3-small',
      models: OPENAI_EMBEDDING_MODELS,
      ...overrides,
    });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    embedder = create();
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented embeddings request and returns one unit vector per text, in order', async () => {
    const result = await embedder.embed({ input: ['first', 'second text'] }, ctx());
    expect(result).toMatchObject({ model: 'text-embedding-3-small', usage: { promptTokens: 5 } });
    expect(result.embeddings.map((v) => v.length)).toEqual([1536, 1536]);
    expect(norm(result.embeddings[1]!)).toBeCloseTo(1, 5);
    const [received] = simulator.requests('openai');
    expect(received).toMatchObject({ method: 'POST', path: '/openai/v1/embeddings' });
    expect(received?.headers.authorization).toBe('Bearer ***');
    expect(received?.body).toEqual({ model: 'text-embedding-3-small', input: ['first', 'second text'], encoding_format: 'float' });
  });

  it('passes the model, dimensions and user', async () => {
    const result = await embedder.embed({ model: 'text-embedding-3-large', input: ['x'], dimensions: 3000, user: 'end-user-1' }, ctx());
    expect(result.embeddings[0]).toHaveLength(3000);
    expect(simulator.requests('openai')[0]?.body).toEqual({
      model: 'text-embedding-3-large',
      input: ['x'],
      dimensions: 3000,
      user: 'end-user-1',
      encoding_format: 'float',
    });
  });

  it('refuses a length the model cannot give before calling, and maps the upstream refusing one', async () => {
    await expect(embedder.embed({ input: ['x'], dimensions: 2000 }, ctx())).rejects.toMatchObject({ status: 400, param: 'dimensions', failover: false });
    expect(simulator.requests('openai')).toHaveLength(0);
    // A model voxq knows nothing of: the server judges, and its 400 is the input's fault.
    const other = create({ models: {} });
    await expect(other.embed({ model: 'text-embedding-ada-002', input: ['x'], dimensions: 8 }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
      failover: false,
    });
  });

  it.each<[Fault, Record<string, unknown>]>([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2 },
      { code: 'provider_unavailable', failover: true, retryAfterSeconds: 2 },
    ],
    [
      { status: 404, message: 'The model `x` does not exist' },
      { code: 'provider_misconfigured', retryable: false, failover: true },
    ],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ malformed: true }, { code: 'provider_unavailable', failover: true }],
    [{ reset: true }, { code: 'provider_unavailable', failover: true }],
    [{ cut: true }, { code: 'provider_unavailable', failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'openai');
    await expect(embedder.embed({ input: ['x'] }, ctx())).rejects.toMatchObject(expected);
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }], 'openai');
    await expect(embedder.embed({ input: ['x'] }, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable' });
  });
});
