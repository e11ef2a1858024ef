import type { ChatMessage } from '@voxq/contracts';
import type { LlmRequest, LlmResponse } from '../provider';
import type { WireMessage, WireRequest, WireResponse } from './wire.schema';

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
  return body;
}

const FINISH_REASONS = new Set<LlmResponse['finishReason']>(['stop', 'length', 'tool_calls', 'content_filter']);

/** The Chat Completions response → ours. */
export function fromWireResponse(response: WireResponse, requestedModel: string): LlmResponse {
  // The schema requires at least one choice.
  const choice = response.choices[0]!;
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
  return {
    text: choice.message.content ?? '',
    model: response.model ?? requestedModel,
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    },
    finishReason,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}
