import { z } from 'zod';
import { imagesRequestSchema } from '@voxq/surfaces';
import { idempotencyKeyHeader, preferHeader, routingHeaders } from './common-docs';
import { Job } from './jobs.docs';
import { component, type ResponseDoc, type RouteDoc } from './route-doc';

/** OpenAI's `ImagesResponse`, as `imagesResponse` writes it. */
export const imagesResponseSchema = z.strictObject({
  /** Unix seconds: when the job finished. */
  created: z.number().int(),
  data: z.array(
    z.strictObject({
      /** The image, base64 (read back from S3), with `response_format: b64_json`. */
      b64_json: z.string().optional(),
      /** A presigned S3 URL, valid `S3_PRESIGN_TTL_SECONDS`, with `response_format: url`. */
      url: z.string().optional(),
      /** The prompt the model drew, from models that rewrite it (DALL·E 3). */
      revised_prompt: z.string().optional(),
    }),
  ),
  background: z.string().optional(),
  output_format: z.string().optional(),
  quality: z.string().optional(),
  size: z.string().optional(),
  /** From models that report tokens (the GPT image models). */
  usage: z
    .strictObject({
      input_tokens: z.number().int(),
      output_tokens: z.number().int(),
      total_tokens: z.number().int(),
      input_tokens_details: z.strictObject({ text_tokens: z.number().int(), image_tokens: z.number().int() }),
    })
    .optional(),
});

export const imagesExample = {
  summary: 'One image from a GPT image model, base64',
  value: { model: 'gpt-image-1', prompt: 'A watercolour lighthouse at dawn', size: '1024x1024', quality: 'low' },
};

const pending: ResponseDoc = {
  description: 'Only with `Prefer: respond-async`: the job to poll, at once.',
  content: { 'application/json': { schema: Job } },
  headers: { Location: '`/v1/jobs/{id}`', 'X-Voxq-Job-Id': 'The job.' },
};

export const imagesDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/images/generations',
    operationId: 'createImage',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's image generations",
    description:
      'Runs an `image` job and waits for it as long as the official SDKs do (`API_OPENAI_WAIT_MS`); past that, `504 job_wait_timeout` naming the job. `Prefer: respond-async` answers `202` with the job at once; a client that goes away first cancels it. ' +
      '`model` names an image model of a configured provider (`GET /v1/models?recommended_for=image`), else `404 model_not_found`; every provider serving it may run the job (failover). ' +
      'Each parameter is checked against the model before anything is queued: one it does not take (`style` on a GPT image model, `n` > 1 on `dall-e-3`, a size it does not make) is a `400` naming it, as is any field OpenAI does not define, `stream` and `partial_images`. ' +
      "The images are stored in S3 under the tenant; `response_format: b64_json` reads them back, `url` gives presigned URLs, for every model (default: the model's own, `url` for DALL·E and `b64_json` otherwise).",
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader],
    body: {
      required: true,
      content: { 'application/json': { schema: component('ImagesRequest', imagesRequestSchema), examples: { one: imagesExample } } },
    },
    responses: {
      200: {
        description: 'The images, in the form `response_format` asked.',
        content: { 'application/json': { schema: component('ImagesResponse', imagesResponseSchema) } },
        headers: routingHeaders,
      },
      202: pending,
    },
    errors: [400, 402, 404, 409, 413, 415, 500, 502, 503, 504],
  },
];
