import type { CallContext, LlmProvider, LlmRequest, LlmResponse } from '../provider';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { headerValue, postJson, type HttpResponse } from '../shared/http-client';
import { parseJsonBody } from '../shared/json-body';
import { errorFromFetchFailure, errorFromStatus } from './errors';
import { wireResponseSchema } from './wire.schema';

export interface OpenAiCompatibleOptions {
  /** Provider name in constraints and results: `openai`, `groq`, `ollama`, `vllm`. */
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  defaultModel: string;
  /**
   * Languages the models serve, as BCP-47 primary subtags.
   * @defaultValue `'*'`
   */
  languages?: readonly string[] | '*';
}

/**
 * An LLM provider speaking the OpenAI Chat Completions wire format, so one adapter serves
 * OpenAI and every compatible server (Groq, Ollama, vLLM, llama.cpp, the simulator).
 */
export function createOpenAiCompatibleLlm(options: OpenAiCompatibleOptions): LlmProvider {
  const { name, apiKey, defaultModel } = options;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;

  async function complete(request: LlmRequest, ctx: CallContext): Promise<LlmResponse> {
    const model = request.model ?? defaultModel;
    let response: HttpResponse;
    try {
      response = await postJson(endpoint, toWireRequest(request, model), { authorization: `Bearer ${apiKey}` }, ctx.signal);
    } catch (error) {
      throw errorFromFetchFailure(name, error, ctx.signal);
    }
    const { status, body } = response;
    if (status < 200 || status >= 300) throw errorFromStatus(name, status, body, headerValue(response.headers, 'retry-after'));

    return fromWireResponse(parseJsonBody(name, body, wireResponseSchema), model);
  }

  return { name, capability: 'llm', languages: options.languages ?? '*', defaultModel, complete };
}
