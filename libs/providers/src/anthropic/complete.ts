import type { CallContext, LlmProvider, LlmRequest, LlmResponse } from '../provider';
import { callUpstream, jsonAnswer, jsonBody, streamUpstream } from '../engine';
import { MessageStreamReader } from './complete.stream';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { readAnthropicError } from './errors';
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

/** An LLM provider speaking Anthropic's Messages API (`POST /v1/messages`); with `ctx.onDelta` it streams. */
export function createAnthropicLlm(options: AnthropicOptions): LlmProvider {
  const { name = 'anthropic', defaultModel } = options;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const headers = { 'x-api-key': options.apiKey, 'anthropic-version': options.version };
  const answer = jsonAnswer(wireResponseSchema);

  async function complete(request: LlmRequest, ctx: CallContext): Promise<LlmResponse> {
    const model = request.model ?? defaultModel;
    const wireRequest = toWireRequest(request, model);
    if (ctx.onDelta) {
      const reader = new MessageStreamReader(name, ctx.onDelta);
      const body = jsonBody({ ...wireRequest, stream: true });
      await streamUpstream({ provider: name, url, headers, body, readError: readAnthropicError, signal: ctx.signal }, reader.onEvent);
      return fromWireResponse(reader.message(), model);
    }
    const wire = await callUpstream({ provider: name, url, headers, body: jsonBody(wireRequest), answer, readError: readAnthropicError, signal: ctx.signal });
    return fromWireResponse(wire, model);
  }

  return { name, capability: 'llm', languages: options.languages ?? '*', defaultModel, complete };
}
