import { z } from 'zod';
import { MAX_EMBED_INPUT_CHARS, MAX_EMBED_INPUTS, MAX_EMBED_TOTAL_CHARS, type EmbedResult, type JobView } from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import { checkDimensions, listModels, type ProviderRuntime } from '@voxq/providers';

// Request shapes are OpenAI's; unknown fields are ignored, as OpenAI-compatible servers do.

const tokenIds = z.array(z.number()).min(1);
// The job's bounds (`embedInputSchema`), checked here so an error names OpenAI's field.
const text = z.string().min(1, 'must not be empty').max(MAX_EMBED_INPUT_CHARS);
const texts = z
  .array(text)
  .min(1, 'must not be empty')
  .max(MAX_EMBED_INPUTS)
  .refine((all) => all.reduce((sum, t) => sum + t.length, 0) <= MAX_EMBED_TOTAL_CHARS, `must hold at most ${MAX_EMBED_TOTAL_CHARS} characters in all`);

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  /** Text, or texts; OpenAI also takes token ids, which voxq refuses with a 400 (it sends text to every provider). */
  input: z.union([text, texts, tokenIds, z.array(tokenIds).min(1)], {
    error: `must be a non-empty string or an array of 1 to ${MAX_EMBED_INPUTS} non-empty strings of at most ${MAX_EMBED_INPUT_CHARS} characters`,
  }),
  encoding_format: z.enum(['float', 'base64']).nullable().optional(),
  dimensions: z.number().int().min(1).max(65_536).nullable().optional(),
  user: z.string().max(256).nullable().optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
export type EmbeddingsFormat = 'float' | 'base64';

/** A model nobody serves: OpenAI's code and words, voxq's 404 type (as every 404 of voxq's). */
export const modelNotFound = (model: string) =>
  new AppError({
    code: 'model_not_found',
    status: 404,
    type: 'not_found_error',
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    param: 'model',
  });

const isText = (input: EmbeddingsRequest['input']): input is string | string[] => typeof input === 'string' || input.every((item) => typeof item === 'string');

/**
 * The embed job for an OpenAI embeddings request (validated by the caller). `model` must name
 * an embedding model of a configured provider, which it pins; `dimensions` is checked against
 * the model before anything is queued. The format is only how the answer is written.
 */
export function embeddingsRequest(runtime: ProviderRuntime, body: EmbeddingsRequest) {
  if (!isText(body.input)) throw errors.invalidRequest('voxq embeds text: send `input` as a string or an array of strings, not token ids.', 'input');
  const entry = listModels(runtime, 'embedding').find((m) => m.id === body.model);
  if (!entry) throw modelNotFound(body.model);
  const dimensions = body.dimensions ?? undefined;
  checkDimensions(body.model, runtime.registry.get('embedding', entry.owned_by)?.models[body.model], dimensions);
  return {
    type: 'embed' as const,
    input: { input: body.input, ...(dimensions === undefined ? {} : { dimensions }), ...(body.user ? { user: body.user } : {}) },
    constraints: { allowedProviders: { embedding: [entry.owned_by] }, models: { embedding: body.model } },
  };
}

/** Little-endian float32s in base64, as OpenAI sends them and its SDKs decode them. */
function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}

/** OpenAI's embeddings `list`: one `embedding` per input, in order. */
export function embeddingsList(r: EmbedResult, format: EmbeddingsFormat) {
  return {
    object: 'list' as const,
    data: r.embeddings.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: format === 'base64' ? float32Base64(vector) : vector,
    })),
    model: r.model,
    usage: { prompt_tokens: r.usage.promptTokens, total_tokens: r.usage.promptTokens },
  };
}

/** The list for a finished embed job, in the format its batch line asked for (kept on the job's metadata). */
export function embeddingsListOf(job: JobView) {
  return embeddingsList(job.result as EmbedResult, job.metadata['encodingFormat'] === 'base64' ? 'base64' : 'float');
}
