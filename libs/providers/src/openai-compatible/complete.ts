import type { CallContext, LlmProvider, LlmRequest, LlmResponse } from '../provider';
import { callUpstream, jsonAnswer, jsonBody, streamUpstream } from '../engine';
import { ChatStreamReader } from './complete.stream';
import { fromWireResponse, toWireRequest } from './complete.mapper';
import { readOpenAiError } from './errors';
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
 * OpenAI and every compatible server (Groq, Ollama, vLLM, llama.cpp, the simulator). With
 * `ctx.onDelta` it streams (`stream: true`) and hands on each piece as it arrives.
 */
export function createOpenAiCompatibleLlm(options: OpenAiCompatibleOptions): LlmProvider {
  const { name, apiKey, defaultModel } = options;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers = { authorization: `Bearer ${apiKey}` };
  const answer = jsonAnswer(wireResponseSchema);

  async function complete(request: LlmRequest, ctx: CallContext): Promise<LlmResponse> {
    const model = request.model ?? defaultModel;
    const wireRequest = toWireRequest(request, model);
    if (ctx.onDelta) {
      // Usage comes in a last chunk only when asked for.
      const body = jsonBody({ ...wireRequest, stream: true, stream_options: { include_usage: true } });
      const reader = new ChatStreamReader(name, ctx.onDelta);
      await streamUpstream({ provider: name, url, headers, body, readError: readOpenAiError, signal: ctx.signal }, reader.onEvent);
      return fromWireResponse(reader.reply(), model);
    }
    const wire = await callUpstream({ provider: name, url, headers, body: jsonBody(wireRequest), answer, readError: readOpenAiError, signal: ctx.signal });
    return fromWireResponse(wire, model);
  }

  return { name, capability: 'llm', languages: options.languages ?? '*', defaultModel, complete };
}
