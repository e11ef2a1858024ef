import { z } from 'zod';
import { cutAtStop, cutAtTokens, logprobsOf, sampleJson } from './chat-params';

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
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({ type: z.literal('json_schema'), json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }) }),
    ])
    .optional(),
  n: z.number().int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;
type Tool = z.infer<typeof toolSchema>;

export interface SimToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One choice of a reply. */
export interface SimChoice {
  content: string | null;
  toolCalls: SimToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** OpenAI's `logprobs.content`, when the request asked for logprobs. */
  logprobs: ReturnType<typeof logprobsOf> | null;
}

/** The reply in a form both the JSON and the SSE writers render; the top-level choice fields are choice 0. */
export interface SimReply extends SimChoice {
  id: string;
  created: number;
  model: string;
  /** Every choice (`n` of them), choice 0 first. */
  choices: SimChoice[];
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

/** The text the simulated model writes: an echo, or JSON when a JSON response format is asked. */
function replyText(request: ChatRequest, lastUser: string, choice: number): string {
  const echo = choice === 0 ? echoReply(lastUser) : `${echoReply(lastUser)} (choice ${choice + 1})`;
  const format = request.response_format;
  if (format?.type === 'json_object') return JSON.stringify({ reply: echo });
  if (format?.type === 'json_schema') return JSON.stringify(sampleJson(format.json_schema.schema));
  return echo;
}

/**
 * A deterministic answer: the same request always gets the same content and tool calls
 * (`seed` changes nothing, since nothing is random). `n` gives n choices, `stop` cuts the
 * text before a stop sequence, `max_tokens` at that many words (`finish_reason: length`),
 * and `logprobs` adds a log probability per word.
 */
export function buildReply(request: ChatRequest, tools: Tool[]): SimReply {
  const n = ++sequence;
  const promptTokens = Math.max(
    1,
    request.messages.reduce((sum, m) => sum + countWords(text(m.content)), 0),
  );
  const model = request.model ?? 'simulator';
  const created = Math.floor(Date.now() / 1000);
  const base = { id: `chatcmpl-sim${n}`, created, model };
  const count = request.n ?? 1;
  const usage = (completionTokens: number) => ({
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  });

  if (tools.length > 0) {
    const toolCalls = tools.map((tool, i): SimToolCall => ({
      id: `call_sim${n}_${i}`,
      type: 'function',
      function: { name: tool.function.name, arguments: JSON.stringify(sampleArgs(tool.function.parameters)) },
    }));
    const completionTokens = toolCalls.reduce((sum, c) => sum + 2 + countWords(c.function.arguments), 0);
    const choice: SimChoice = { content: null, toolCalls, finishReason: 'tool_calls', logprobs: null };
    return { ...base, ...choice, choices: Array.from({ length: count }, () => choice), usage: usage(completionTokens * count) };
  }

  const lastUser = text(request.messages.findLast((m) => m.role === 'user')?.content);
  const stop = request.stop == null ? [] : ([] as string[]).concat(request.stop);
  const limit = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const choices = Array.from({ length: count }, (_, i): SimChoice => {
    const { text: content, cut } = cutAtTokens(cutAtStop(replyText(request, lastUser, i), stop), limit);
    const logprobs = request.logprobs ? logprobsOf(content, request.top_logprobs ?? 0) : null;
    return { content, toolCalls: [], finishReason: cut ? 'length' : 'stop', logprobs };
  });
  const completionTokens = choices.reduce((sum, c) => sum + Math.max(1, countWords(c.content ?? '')), 0);
  return { ...base, ...choices[0]!, choices, usage: usage(completionTokens) };
}

/** The `chat.completion` object. */
export function completionBody(reply: SimReply): Record<string, unknown> {
  return {
    id: reply.id,
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: reply.choices.map((choice, index) => ({
      index,
      message: {
        role: 'assistant',
        content: choice.content,
        ...(choice.toolCalls.length > 0 ? { tool_calls: choice.toolCalls } : {}),
        refusal: null,
      },
      logprobs: choice.logprobs ? { content: choice.logprobs, refusal: null } : null,
      finish_reason: choice.finishReason,
    })),
    usage: reply.usage,
    system_fingerprint: 'fp_simulator',
  };
}

/** A streamed answer's SSE frames: `chat.completion.chunk` events (one per word), then `[DONE]`. */
export function streamFrames(reply: SimReply, includeUsage: boolean): string[] {
  const chunk = (index: number, delta: Record<string, unknown>, finishReason: string | null = null, logprobs: unknown = null) => ({
    id: reply.id,
    object: 'chat.completion.chunk',
    created: reply.created,
    model: reply.model,
    choices: [{ index, delta, logprobs, finish_reason: finishReason }],
  });
  // Each choice's events; with `n` > 1 the choices take turns, as OpenAI interleaves them.
  const perChoice = reply.choices.map((choice, index) => {
    const events: unknown[] = [];
    if (choice.toolCalls.length > 0) {
      events.push(chunk(index, { role: 'assistant', content: null, refusal: null }));
      choice.toolCalls.forEach((call, i) => {
        events.push(chunk(index, { tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
        events.push(chunk(index, { tool_calls: [{ index: i, function: { arguments: call.function.arguments } }] }));
      });
    } else {
      events.push(chunk(index, { role: 'assistant', content: '', refusal: null }));
      (choice.content ?? '')
        .split(/(?<= )/)
        .filter(Boolean)
        .forEach((piece, i) => {
          const logprob = choice.logprobs?.[i];
          events.push(chunk(index, { content: piece }, null, logprob ? { content: [logprob], refusal: null } : null));
        });
    }
    events.push(chunk(index, {}, choice.finishReason));
    return events;
  });
  const events: unknown[] = [];
  for (let i = 0; i < Math.max(...perChoice.map((e) => e.length)); i++)
    for (const choiceEvents of perChoice) if (i < choiceEvents.length) events.push(choiceEvents[i]);
  if (includeUsage) {
    events.push({ id: reply.id, object: 'chat.completion.chunk', created: reply.created, model: reply.model, choices: [], usage: reply.usage });
  }
  return [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n'];
}
