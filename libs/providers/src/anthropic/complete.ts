import type { CallContext, LlmProvider, LlmRequest, LlmResponse } from '../provider';
import { headerValue, postJson, type HttpResponse } from '../shared/http-client';
import { parseJsonBody } from '../shared/json-body';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { errorFromFetchFailure, errorFromStatus } from './errors';
import { wireResponseSchema } from './wire.schema';

export interface AnthropicOptions {
  /**
   * Provider name in constraints and results.
   * @defaultValue `'anthropic'`
   */
  name?: string;
  /** Without the version segment, as Anthropic documents it: `https://api.anthropic.com`. */
  baseUrl: string;
  apiKey: string;
  /** The `anthropic-version` header, e.g. `2023-06-01`: it pins the wire format. */
  version: string;
  /** e.g. `claude-sonnet-4-5`. */
  defaultModel: string;
  /**
   * Languages the models serve, as BCP-47 primary subtags.
   * @defaultValue `'*'`
   */
  languages?: readonly string[] | '*';
}

/** An LLM provider speaking Anthropic's Messages API (`POST /v1/messages`). */
export function createAnthropicLlm(options: AnthropicOptions): LlmProvider {
  const { name = 'anthropic', defaultModel } = options;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const headers = { 'x-api-key': options.apiKey, 'anthropic-version': options.version };

  async function complete(request: LlmRequest, ctx: CallContext): Promise<LlmResponse> {
    const model = request.model ?? defaultModel;
    const body = toWireRequest(request, model);
    let response: HttpResponse;
    try {
      response = await postJson(endpoint, body, headers, ctx.signal);
    } catch (error) {
      throw errorFromFetchFailure(name, error, ctx.signal);
    }
    const { status } = response;
    if (status < 200 || status >= 300) throw errorFromStatus(name, status, response.body, headerValue(response.headers, 'retry-after'));
    return fromWireResponse(parseJsonBody(name, response.body, wireResponseSchema), model);
  }

  return { name, capability: 'llm', languages: options.languages ?? '*', defaultModel, complete };
}
