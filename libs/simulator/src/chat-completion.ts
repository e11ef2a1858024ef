import { z } from 'zod';

const contentSchema = z.union([z.string(), z.null(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]);

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Just enough of the Chat Completions request to answer it; unknown fields pass through. */
export const chatRequestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: contentSchema.optional() })).min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;
type Tool = z.infer<typeof toolSchema>;

export interface SimToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The reply in a form both the JSON and the SSE writers render. */
export interface SimReply {
  id: string;
  created: number;
  model: string;
  content: string | null;
  toolCalls: SimToolCall[];
  finishReason: 'stop' | 'tool_calls';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export const REPLY_PREFIX = 'Simulated reply to: ';
const MAX_ECHO = 200;

function text(content: ChatRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join(' ');
  return '';
}

/** Whitespace-separated words: the simulator's token count. */
export function countWords(value: string): number {
  return value.split(/\s+/).filter(Boolean).length;
}

/** The deterministic text answer to the last user message, which every chat vendor gives. */
export function echoReply(lastUser: string): string {
  const echoed = lastUser.length > MAX_ECHO ? `${lastUser.slice(0, MAX_ECHO)}…` : lastUser;
  return `${REPLY_PREFIX}${echoed}`;
}

/** Plausible arguments for a JSON Schema: each required property gets a placeholder of its type. */
export function sampleArgs(parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  const properties = (parameters?.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown[] }>;
  const required = Array.isArray(parameters?.required) ? (parameters.required as unknown[]) : [];
  const args: Record<string, unknown> = {};
  for (const name of required) {
    if (typeof name !== 'string') continue;
    const schema = properties[name] ?? {};
    if (Array.isArray(schema.enum) && schema.enum.length > 0) args[name] = schema.enum[0];
    else if (schema.type === 'number' || schema.type === 'integer') args[name] = 1;
    else if (schema.type === 'boolean') args[name] = true;
    else if (schema.type === 'array') args[name] = [];
    else if (schema.type === 'object') args[name] = {};
    else args[name] = 'simulated';
  }
  return args;
}

/**
 * Which tools the simulated model calls: none after a tool result or with `tool_choice:
 * 'none'`; the named function when forced; else the tools the last user message names
 * (the first tool when `required` and none is named).
 */
export function chooseTools(request: ChatRequest): Tool[] | { unknownTool: string } {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return [];
  if (request.messages.at(-1)?.role === 'tool' && toolRoundsSinceUser(request) >= wantedRounds(request)) return [];
  if (typeof choice === 'object') {
    const forced = tools.find((t) => t.function.name === choice.function.name);
    return forced ? [forced] : { unknownTool: choice.function.name };
  }
  const lastUser = text(request.messages.findLast((m) => m.role === 'user')?.content);
  let named = tools.filter((t) => lastUser.includes(t.function.name));
  if (request.parallel_tool_calls === false) named = named.slice(0, 1);
  if (named.length === 0 && choice === 'required') return tools.slice(0, 1);
  return named;
}

/**
 * `[[hops:N]]` in the last user message makes the simulated model call its tools for N
 * rounds (a multi-hop tool loop to test against); without it, one round.
 */
function wantedRounds(request: ChatRequest): number {
  const lastUser = text(request.messages.findLast((m) => m.role === 'user')?.content);
  return Number(/\[\[hops:(\d+)\]\]/.exec(lastUser)?.[1] ?? 1);
}

function toolRoundsSinceUser(request: ChatRequest): number {
  const lastUser = request.messages.findLastIndex((m) => m.role === 'user');
  return request.messages.slice(lastUser + 1).filter((m) => m.role === 'assistant' && Array.isArray((m as { tool_calls?: unknown }).tool_calls)).length;
}

let sequence = 0;

/** A deterministic answer: the same request always gets the same content and tool calls. */
export function buildReply(request: ChatRequest, tools: Tool[]): SimReply {
  const n = ++sequence;
  const promptTokens = Math.max(
    1,
    request.messages.reduce((sum, m) => sum + countWords(text(m.content)), 0),
  );
  const model = request.model ?? 'simulator';
  const created = Math.floor(Date.now() / 1000);
  const base = { id: `chatcmpl-sim${n}`, created, model };

  if (tools.length > 0) {
    const toolCalls = tools.map((tool, i): SimToolCall => ({
      id: `call_sim${n}_${i}`,
      type: 'function',
      function: { name: tool.function.name, arguments: JSON.stringify(sampleArgs(tool.function.parameters)) },
    }));
    const completionTokens = toolCalls.reduce((sum, c) => sum + 2 + countWords(c.function.arguments), 0);
    return {
      ...base,
      content: null,
      toolCalls,
      finishReason: 'tool_calls',
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }

  const lastUser = text(request.messages.findLast((m) => m.role === 'user')?.content);
  const content = echoReply(lastUser);
  const completionTokens = Math.max(1, countWords(content));
  return {
    ...base,
    content,
    toolCalls: [],
    finishReason: 'stop',
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** The `chat.completion` object. */
export function completionBody(reply: SimReply): Record<string, unknown> {
  return {
    id: reply.id,
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content,
          ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: reply.usage,
    system_fingerprint: 'fp_simulator',
  };
}

/** A streamed answer's SSE frames: `chat.completion.chunk` events (one per word), then `[DONE]`. */
export function streamFrames(reply: SimReply, includeUsage: boolean): string[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: reply.id,
    object: 'chat.completion.chunk',
    created: reply.created,
    model: reply.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const events: unknown[] = [];
  if (reply.toolCalls.length > 0) {
    events.push(chunk({ role: 'assistant', content: null, refusal: null }));
    reply.toolCalls.forEach((call, index) => {
      events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
      events.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
    });
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const piece of (reply.content ?? '').split(/(?<= )/)) events.push(chunk({ content: piece }));
  }
  events.push(chunk({}, reply.finishReason));
  if (includeUsage) {
    events.push({ id: reply.id, object: 'chat.completion.chunk', created: reply.created, model: reply.model, choices: [], usage: reply.usage });
  }
  return [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n'];
}
