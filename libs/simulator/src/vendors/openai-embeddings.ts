import { createHash } from 'node:crypto';
import { z } from 'zod';
import { json, type SimRequest, type SimResponse, type VendorRoute } from '../vendor';

/** OpenAI's embedding models and their vector lengths; the `-3` ones shorten theirs on request. */
const MODELS: Record<string, { dimensions: number; shortens: boolean }> = {
  'text-embedding-3-small': { dimensions: 1536, shortens: true },
  'text-embedding-3-large': { dimensions: 3072, shortens: true },
  'text-embedding-ada-002': { dimensions: 1536, shortens: false },
};
/** Any other model, as a compatible server's own (`nomic-embed-text` has 768). */
const OTHER_MODEL = { dimensions: 768, shortens: true };

const MAX_INPUTS = 2048;

const tokens = z.array(z.number().int().min(0)).min(1);
/** The documented `POST /embeddings` body; fields the simulator has no use for pass through. */
const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(MAX_INPUTS), tokens, z.array(tokens).min(1).max(MAX_INPUTS)]),
  dimensions: z.number().int().min(1).optional(),
  encoding_format: z.enum(['float', 'base64']).default('float'),
  user: z.string().optional(),
});

/** The OpenAI error envelope for a refused request (the vendor's own `error()` covers faults). */
const invalid = (message: string, param: string | null = null): SimResponse =>
  json(400, { error: { message, type: 'invalid_request_error', param, code: null } });

/**
 * The simulated vector of a text: deterministic (xorshift128 seeded from a SHA-256 of model
 * and text), the first `dimensions` values of the model's full vector, scaled to length 1, as
 * OpenAI's shortened embeddings are.
 */
export function simulatedEmbedding(model: string, text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(`${model}\u0000${text}`).digest();
  let [a, b, c, d] = [0, 4, 8, 12].map((at) => seed.readUInt32LE(at) || 1) as [number, number, number, number];
  const vector: number[] = new Array(dimensions);
  let sumOfSquares = 0;
  for (let i = 0; i < dimensions; i++) {
    const t = a ^ (a << 11);
    [a, b, c] = [b, c, d];
    d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    // Float32 like OpenAI's, so float and base64 answers carry the same numbers.
    vector[i] = Math.fround(d / 0x80000000 - 1);
    sumOfSquares += vector[i]! * vector[i]!;
  }
  const norm = Math.sqrt(sumOfSquares) || 1;
  return vector.map((x) => Math.fround(x / norm));
}

/** Little-endian float32s in base64: OpenAI's `encoding_format: base64`. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

/** About four characters a token, as OpenAI's rule of thumb has it; a token array is its length. */
const tokenCount = (input: string | number[]) => (typeof input === 'string' ? Math.max(1, Math.ceil(input.length / 4)) : input.length);

function embeddings(req: SimRequest): SimResponse {
  const body = req.json();
  if (body === undefined) return invalid('We could not parse the JSON body of your request.');
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join('.') || null;
    return invalid(`Invalid '${param ?? 'body'}': ${issue?.message ?? 'invalid body'}`, param);
  }
  const { model, dimensions: asked, encoding_format: format } = parsed.data;
  const spec = MODELS[model] ?? OTHER_MODEL;
  if (asked !== undefined && !spec.shortens) return invalid('This model does not support specifying dimensions.', 'dimensions');
  if (asked !== undefined && asked > spec.dimensions) {
    return invalid(`Invalid 'dimensions': ${model} makes vectors of at most ${spec.dimensions} dimensions.`, 'dimensions');
  }
  const raw = parsed.data.input;
  const inputs: Array<string | number[]> =
    typeof raw === 'string' || typeof raw[0] === 'number' ? [raw as string | number[]] : (raw as Array<string | number[]>);
  const dimensions = asked ?? spec.dimensions;
  const data = inputs.map((input, index) => {
    const vector = simulatedEmbedding(model, typeof input === 'string' ? input : JSON.stringify(input), dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? float32Base64(vector) : vector };
  });
  const promptTokens = inputs.reduce((sum, input) => sum + tokenCount(input), 0);
  return json(200, { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
}

/** OpenAI-style `POST <base>/embeddings`: deterministic unit vectors of the model's length, or `dimensions`. */
export function embeddingRoutes(basePattern: string): VendorRoute[] {
  return [{ method: 'POST', path: new RegExp(`^${basePattern}/embeddings$`), handle: embeddings }];
}
