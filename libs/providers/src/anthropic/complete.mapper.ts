import type { ChatMessage, ToolChoice } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { requestedChatParams, unsupportedChatParams } from '../chat-params';
import type { LlmRequest, LlmResponse } from '../provider';
import { ANTHROPIC_LLM_PROFILE } from './profile';
import type { WireBlock, WireMessage, WireRequest, WireResponse, WireToolChoice } from './wire.schema';

/** Anthropic requires `max_tokens`; ours is optional ("the provider's default"). */
export const DEFAULT_MAX_TOKENS = 1024;

/** Anthropic takes 0–1 where OpenAI (and our contract) take 0–2. */
const MAX_TEMPERATURE = 1;

type Role = WireMessage['role'];

function toolInput(args: string, param: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    input = undefined;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.invalidRequest('Tool call arguments must be a JSON object to send them to Anthropic.', param);
  }
  return input as Record<string, unknown>;
}

/** One of our messages as the role and blocks it becomes; system messages are handled apart. */
function toBlocks(message: ChatMessage, index: number): { role: Role; blocks: WireBlock[] } {
  // Anthropic refuses empty text blocks, and an assistant turn of only tool calls has none.
  const text: WireBlock[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
  switch (message.role) {
    case 'tool':
      return {
        role: 'user',
        blocks: [
          {
            type: 'tool_result',
            // The chat schema guarantees `toolCallId` on tool messages.
            tool_use_id: message.toolCallId ?? '',
            content: message.content,
            ...(message.isError ? { is_error: true as const } : {}),
          },
        ],
      };
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map((call, i): WireBlock => ({
        type: 'tool_use',
        id: call.id,
        name: call.name,
        input: toolInput(call.args, `input.messages.${index}.toolCalls.${i}.args`),
      }));
      return { role: 'assistant', blocks: [...text, ...calls] };
    }
    default:
      return { role: 'user', blocks: text };
  }
}

/**
 * Our messages → Anthropic's turns. Anthropic wants user and assistant strictly alternating,
 * so consecutive same-role messages merge into one turn (several tool results become one
 * user turn). In a user turn the tool results must come first, before any text.
 */
function toWireMessages(messages: readonly ChatMessage[]): WireMessage[] {
  const turns: Array<{ role: Role; blocks: WireBlock[] }> = [];
  messages.forEach((message, index) => {
    if (message.role === 'system') return;
    const { role, blocks } = toBlocks(message, index);
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  });
  return turns.map(({ role, blocks }) => {
    const ordered = role === 'user' ? [...blocks.filter(isToolResult), ...blocks.filter((b) => !isToolResult(b))] : blocks;
    const only = ordered.length === 1 ? ordered[0] : undefined;
    // A lone text block reads better as the string shorthand; no blocks at all stays '' so
    // Anthropic reports the empty message rather than us guessing what was meant.
    if (ordered.length === 0) return { role, content: '' };
    return { role, content: only?.type === 'text' ? only.text : ordered };
  });
}

const isToolResult = (block: WireBlock) => block.type === 'tool_result';

function toWireToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined): WireToolChoice | undefined {
  // Anthropic words "no parallel calls" inside tool_choice, so it may need an `auto` of its own.
  const single = parallelToolCalls === false ? { disable_parallel_tool_use: true as const } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...single };
  if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...single };
  if (choice === 'auto' || parallelToolCalls === false) return { type: 'auto', ...single };
  return undefined;
}

/**
 * Our request → the Messages body.
 * - System text goes to Anthropic's own `system` channel: `systemPrompt` first, then every
 *   `system` message in order (Anthropic has no system role inside `messages`).
 * - `reasoningEffort` is not sent: Anthropic's extended thinking takes a token budget, needs
 *   `temperature` unset and forbids forced tool choice, so there is no faithful mapping.
 * - `tool_choice` is only sent beside tools; without tools there is nothing to choose.
 * - `stop` → `stop_sequences`, `topP` → `top_p`, `user` → `metadata.user_id`. Any other chat
 *   parameter has no faithful equivalent (`ANTHROPIC_LLM_PROFILE.chatParams`): the router never sends
 *   such a job here, and a direct call is refused rather than the parameter dropped.
 */
export function toWireRequest(request: LlmRequest, model: string): WireRequest {
  const unsupported = unsupportedChatParams({ profile: ANTHROPIC_LLM_PROFILE }, requestedChatParams(request));
  if (unsupported.length > 0) {
    throw errors.invalidRequest(`Anthropic has no equivalent of ${unsupported.join(', ')}.`, `input.${unsupported[0]}`, 'unsupported_parameter');
  }
  const system = [
    ...(request.systemPrompt ? [request.systemPrompt] : []),
    ...request.messages.filter((m) => m.role === 'system' && m.content !== '').map((m) => m.content),
  ];
  const body: WireRequest = {
    model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
    messages: toWireMessages(request.messages),
  };
  if (request.temperature !== undefined) body.temperature = Math.min(request.temperature, MAX_TEMPERATURE);
  if (request.stop !== undefined) body.stop_sequences = request.stop;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }));
    const toolChoice = toWireToolChoice(request.toolChoice, request.parallelToolCalls);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  return body;
}

const FINISH_REASONS = new Map<string, LlmResponse['finishReason']>([
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  // A server tool's long turn paused; what came so far is a complete answer for us.
  ['pause_turn', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool_calls'],
  ['refusal', 'content_filter'],
]);

/** The Messages response → ours. */
export function fromWireResponse(response: WireResponse, requestedModel: string): LlmResponse {
  let text = '';
  const toolCalls: NonNullable<LlmResponse['toolCalls']> = [];
  for (const block of response.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, args: JSON.stringify(block.input ?? {}) });
  }
  let finishReason = FINISH_REASONS.get(response.stop_reason ?? '') ?? 'stop';
  if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_calls';
  const usage = response.usage;
  return {
    text,
    model: response.model ?? requestedModel,
    usage: {
      promptTokens: (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0),
      completionTokens: usage?.output_tokens ?? 0,
    },
    finishReason,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}
