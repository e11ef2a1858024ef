import { errors } from '@voxq/errors';
import type { EmbeddingModelSpec, EmbeddingRequest, EmbeddingResponse } from '../provider';
import type { EmbeddingsWireRequest, WireEmbeddings } from './embed.wire.schema';

/**
 * Refuses a `dimensions` the model cannot give, before any call: a model that cannot shorten
 * its vectors, or a length past its own. The same check runs on the API before queuing.
 */
export function checkDimensions(model: string, spec: EmbeddingModelSpec | undefined, dimensions: number | undefined, param = 'dimensions'): void {
  if (dimensions === undefined || !spec) return;
  if (dimensions > spec.maxDimensions) {
    throw errors.invalidRequest(`${param} is ${dimensions}, but ${model} makes vectors of at most ${spec.maxDimensions} dimensions.`, param);
  }
  if (!spec.shortens && dimensions !== spec.maxDimensions) {
    throw errors.invalidRequest(`${model} cannot shorten its vectors: leave ${param} out or set it to ${spec.maxDimensions}.`, param);
  }
}

/** Our request → the embeddings body; `dimensions` and `user` only when given. */
export function toEmbeddingsRequest(request: EmbeddingRequest, model: string): EmbeddingsWireRequest {
  return {
    model,
    input: request.input,
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.user === undefined ? {} : { user: request.user }),
    encoding_format: 'float',
  };
}

/** Little-endian float32s, as OpenAI encodes `encoding_format: base64`. */
export function decodeFloat32Base64(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) throw new Error(`base64 vector of ${bytes.length} bytes is not float32s`);
  const vector: number[] = new Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

/**
 * A 2xx answer → ours: one vector per input, put back in input order by `index`. A missing,
 * repeated or extra index, or a vector of the wrong length, is a broken answer (another
 * provider may do better), never a result with vectors out of place.
 */
export function fromEmbeddingsResponse(provider: string, wire: WireEmbeddings, request: EmbeddingRequest, model: string): EmbeddingResponse {
  const count = request.input.length;
  const malformed = (why: string) => errors.providerUnavailable(provider, `malformed response: ${why}`);
  if (wire.data.length !== count) throw malformed(`${wire.data.length} embeddings for ${count} inputs`);
  const embeddings: number[][] = new Array(count);
  for (const item of wire.data) {
    if (item.index >= count || embeddings[item.index]) throw malformed(`embedding index ${item.index} is out of range or repeated`);
    try {
      embeddings[item.index] = typeof item.embedding === 'string' ? decodeFloat32Base64(item.embedding) : item.embedding;
    } catch (error) {
      throw malformed((error as Error).message);
    }
  }
  const length = embeddings[0]!.length;
  if (request.dimensions !== undefined && length !== request.dimensions) {
    // The server ignored `dimensions`: vectors of another length are not what was asked.
    throw errors.providerMisconfigured(provider, `asked for ${request.dimensions} dimensions, got ${length} (the model may not shorten its vectors)`);
  }
  if (embeddings.some((v) => v.length !== length)) throw malformed('vectors of different lengths');
  return { embeddings, model: wire.model || model, usage: { promptTokens: wire.usage?.prompt_tokens ?? 0 } };
}
