import type { ChatMessage, TokenLogprob } from '@voxq/contracts';
import type { LlmRequest, LlmResponse } from '../provider';
import type { WireMessage, WireRequest, WireResponse } from './wire.schema';

type WireChoice = WireResponse['choices'][number];

function toWireMessage(message: ChatMessage): WireMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      // The chat schema guarantees `toolCallId` on tool messages.
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant': {
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // OpenAI wants null, not "", beside tool calls.
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.args },
        })),
      };
    }
  }
}

/** Our request → the Chat Completions body. */
export function toWireRequest(request: LlmRequest, model: string): WireRequest {
  const messages = request.messages.map(toWireMessage);
  if (request.systemPrompt !== undefined) messages.unshift({ role: 'system', content: request.systemPrompt });
  const body: WireRequest = { model, messages };
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.parameters,
      },
    }));
    // OpenAI rejects `parallel_tool_calls` without `tools`.
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.reasoningEffort !== undefined && request.reasoningEffort !== 'none') {
    body.reasoning_effort = request.reasoningEffort;
  }
  return { ...body, ...samplingFields(request) };
}

/** The chat parameters beyond the core ones, each under OpenAI's name; unset ones are not sent. */
function samplingFields(request: LlmRequest): Partial<WireRequest> {
  const format = request.responseFormat;
  const fields: Partial<WireRequest> = {
    response_format:
      format?.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.jsonSchema.name,
              ...(format.jsonSchema.description === undefined ? {} : { description: format.jsonSchema.description }),
              ...(format.jsonSchema.schema === undefined ? {} : { schema: format.jsonSchema.schema }),
              ...(format.jsonSchema.strict == null ? {} : { strict: format.jsonSchema.strict }),
            },
          }
        : format,
    n: request.n,
    stop: request.stop,
    seed: request.seed,
    top_p: request.topP,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
    logit_bias: request.logitBias,
    logprobs: request.logprobs,
    top_logprobs: request.topLogprobs,
    user: request.user,
    metadata: request.metadata,
    service_tier: request.serviceTier,
    store: request.store,
    verbosity: request.verbosity,
    prediction: request.prediction,
    web_search_options: request.webSearchOptions,
    prompt_cache_key: request.promptCacheKey,
    prompt_cache_retention: request.promptCacheRetention,
    safety_identifier: request.safetyIdentifier,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const FINISH_REASONS = new Set<LlmResponse['finishReason']>(['stop', 'length', 'tool_calls', 'content_filter']);

export function fromWireLogprobs(logprobs: WireChoice['logprobs']): TokenLogprob[] | undefined {
  if (!logprobs?.content) return undefined;
  return logprobs.content.map((t) => ({
    token: t.token,
    logprob: t.logprob,
    bytes: t.bytes ?? null,
    topLogprobs: (t.top_logprobs ?? []).map((top) => ({ token: top.token, logprob: top.logprob, bytes: top.bytes ?? null })),
  }));
}

/** One choice of the answer → its text, finish reason, tool calls and logprobs. */
function fromWireChoice(choice: WireChoice) {
  const toolCalls = (choice.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    args: call.function.arguments,
  }));
  const reported = choice.finish_reason ?? 'stop';
  let finishReason: LlmResponse['finishReason'] = reported === 'function_call' ? 'tool_calls' : 'stop';
  if (FINISH_REASONS.has(reported as LlmResponse['finishReason'])) finishReason = reported as LlmResponse['finishReason'];
  // Ollama and others report `stop` even when the turn ended in tool calls.
  if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_calls';
  const logprobs = fromWireLogprobs(choice.logprobs);
  return {
    text: choice.message.content ?? '',
    finishReason,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(logprobs ? { logprobs } : {}),
  };
}

/** The Chat Completions response → ours: choice 0 at the top, the others (`n` > 1) in `moreChoices`. */
export function fromWireResponse(response: WireResponse, requestedModel: string): LlmResponse {
  // The schema requires at least one choice; servers may list them out of order.
  const [first, ...rest] = response.choices
    .map((choice, position) => ({ choice, index: choice.index ?? position }))
    .sort((a, b) => a.index - b.index)
    .map(({ choice }) => fromWireChoice(choice));
  return {
    ...first!,
    model: response.model ?? requestedModel,
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    },
    ...(rest.length > 0 ? { moreChoices: rest } : {}),
  };
}
