import type { CallContext, EmbeddingModelSpec, EmbeddingProvider, EmbeddingRequest, EmbeddingResponse } from '../provider';
import { callUpstream, jsonAnswer, jsonBody } from '../engine';
import { checkDimensions, fromEmbeddingsResponse, toEmbeddingsRequest } from './embed.mapper';
import { wireEmbeddingsSchema } from './embed.wire.schema';
import { readOpenAiError } from './errors';

export interface OpenAiCompatibleEmbeddingOptions {
  /** Provider name in constraints and results: `openai`, or a compatible server's. */
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** e.g. `text-embedding-3-small`. */
  defaultModel: string;
  /**
   * The models it serves by name, with their limits. A model not listed is still sent
   * (a compatible server's own), its `dimensions` left for the server to judge.
   * @defaultValue the default model alone, limits unknown
   */
  models?: Readonly<Record<string, EmbeddingModelSpec>>;
  /**
   * Languages the models serve, as BCP-47 primary subtags.
   * @defaultValue `'*'`
   */
  languages?: readonly string[] | '*';
}

/**
 * Embeddings over the OpenAI `POST /embeddings` wire format, for OpenAI and every compatible
 * server (vLLM, Ollama, llama.cpp). Asks for float vectors, which every such server speaks.
 */
export function createOpenAiCompatibleEmbedding(options: OpenAiCompatibleEmbeddingOptions): EmbeddingProvider {
  const { name, apiKey, defaultModel } = options;
  const models = options.models ?? {};
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const headers = { authorization: `Bearer ${apiKey}` };
  const answer = jsonAnswer(wireEmbeddingsSchema);

  async function embed(request: EmbeddingRequest, ctx: CallContext): Promise<EmbeddingResponse> {
    const model = request.model ?? defaultModel;
    checkDimensions(model, models[model], request.dimensions);
    const body = jsonBody(toEmbeddingsRequest(request, model));
    const wire = await callUpstream({ provider: name, url, headers, body, answer, readError: readOpenAiError, signal: ctx.signal });
    return fromEmbeddingsResponse(name, wire, request, model);
  }

  return { name, capability: 'embedding', languages: options.languages ?? '*', defaultModel, models, embed };
}
