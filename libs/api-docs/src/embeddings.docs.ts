import { z } from 'zod';
import { embeddingsRequestSchema } from '@voxq/surfaces';
import { idempotencyKeyHeader, preferHeader, routingHeaders } from './common-docs';
import { Job } from './jobs.docs';
import { component, type ResponseDoc, type RouteDoc } from './route-doc';

/** OpenAI's embeddings `list`, as `embeddingsList` writes it. */
export const embeddingListSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(
    z.strictObject({
      object: z.literal('embedding'),
      index: z.number().int(),
      /** Numbers with `encoding_format: float` (the default); base64 little-endian float32 with `base64`. */
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: z.strictObject({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

export const embeddingsExample = {
  summary: 'Two texts, shortened vectors',
  value: { model: 'text-embedding-3-small', input: ['The quick brown fox', 'jumps over the lazy dog'], dimensions: 256, encoding_format: 'float' },
};

const pending: ResponseDoc = {
  description: 'Only with `Prefer: respond-async`: the job to poll, at once.',
  content: { 'application/json': { schema: Job } },
  headers: { Location: '`/v1/jobs/{id}`', 'X-Voxq-Job-Id': 'The job.' },
};

export const embeddingsDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/embeddings',
    operationId: 'createEmbedding',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's embeddings",
    description:
      'Runs an `embed` job and waits for it as long as the official SDKs do (`API_OPENAI_WAIT_MS`); past that, `504 job_wait_timeout` naming the job. `Prefer: respond-async` answers `202` with the job at once; a client that goes away first cancels it. ' +
      '`model` must name an embedding model of a configured provider (`GET /v1/models?recommended_for=embedding`), else `404 model_not_found`; ' +
      "`dimensions` past the model's length is a `400` naming `dimensions`. `input` is a string or up to 2048 strings; token ids are refused (`400`). " +
      '`encoding_format: base64` (what the official SDKs send by default) answers little-endian float32 in base64, as OpenAI does.',
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader],
    body: {
      required: true,
      content: { 'application/json': { schema: component('EmbeddingsRequest', embeddingsRequestSchema), examples: { two: embeddingsExample } } },
    },
    responses: {
      200: {
        description: 'One `embedding` per input, in order.',
        content: { 'application/json': { schema: component('EmbeddingList', embeddingListSchema) } },
        headers: routingHeaders,
      },
      202: pending,
    },
    errors: [400, 402, 404, 409, 413, 415, 500, 502, 503, 504],
  },
];
