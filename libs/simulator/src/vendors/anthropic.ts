import { messageStreamFrames } from './anthropic-stream';
import { z } from 'zod';
import { countWords, echoReply, sampleArgs } from '../chat-completion';
import { headerValue, INVALID_KEY, json, retryAfterHeader, type SimRequest, type SimResponse, type SimVendor } from '../vendor';

/** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
const ERROR_TYPES = new Map<number, string>([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [529, 'overloaded_error'],
]);

/** Anthropic's error envelope: `{ type: 'error', error: { type, message } }`. */
function anthropicError(status: number, message: string, retryAfterSeconds?: number): SimResponse {
  const type = ERROR_TYPES.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return json(status, { type: 'error', error: { type, message } }, retryAfterHeader(retryAfterSeconds));
}

function authenticate(req: SimRequest): SimResponse | null {
  const key = headerValue(req, 'x-api-key');
  if (!key) return anthropicError(401, 'x-api-key header is required');
  if (key === INVALID_KEY) return anthropicError(401, 'invalid x-api-key');
  return null;
}

const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string().min(1, 'text content blocks must be non-empty') });
const blockSchema = z.union([
  textBlockSchema,
  z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()) }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(textBlockSchema)]).optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('image'), source: z.looseObject({ type: z.string() }) }),
]);
type Block = z.infer<typeof blockSchema>;

const toolSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
});
type Tool = z.infer<typeof toolSchema>;

const parallel = { disable_parallel_tool_use: z.boolean().optional() };

/**
 * Just enough of the Messages request to answer it as Anthropic would, or refuse it as
 * Anthropic would: unknown top-level fields (OpenAI's `n`, `logit_bias`, `seed`) are
 * refused as the real API refuses them, so a parameter sent where it has no meaning shows.
 */
const messagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(blockSchema)]) })).min(1),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string().min(1)).optional(),
  metadata: z.strictObject({ user_id: z.string().max(256).nullish() }).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('auto'), ...parallel }),
      z.looseObject({ type: z.literal('any'), ...parallel }),
      z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallel }),
      z.looseObject({ type: z.literal('none') }),
    ])
    .optional(),
  stream: z.boolean().optional(),
});
type MessagesRequest = z.infer<typeof messagesRequestSchema>;
type Message = MessagesRequest['messages'][number];

const blocksOf = (message: Message): Block[] => (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content);

function textOf(message: Message | undefined): string {
  if (!message) return '';
  return blocksOf(message)
    .map((block) => (block.type === 'text' ? block.text : ''))
    .filter(Boolean)
    .join(' ');
}

/**
 * The conversation rules the real API enforces beyond the schema, worded as it words them:
 * roles alternate starting with user, content is non-empty (but for a final assistant
 * prefill), and every tool_use is answered by a tool_result in the very next message.
 */
function conversationProblem(messages: readonly Message[]): string | undefined {
  if (messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  for (const [i, message] of messages.entries()) {
    const previous = messages[i - 1];
    if (previous?.role === message.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    }
    const blocks = typeof message.content === 'string' ? (message.content === '' ? [] : blocksOf(message)) : message.content;
    if (blocks.length === 0 && !(message.role === 'assistant' && i === messages.length - 1)) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const uses = new Set(previous ? blocksOf(previous).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : []);
    const results = blocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []));
    const unexpected = results.find((id) => !uses.has(id));
    if (unexpected) {
      return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    const unanswered = [...uses].filter((id) => !results.includes(id));
    if (unanswered.length > 0) {
      return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    const firstText = blocks.findIndex((b) => b.type !== 'tool_result');
    if (results.length > 0 && firstText >= 0 && blocks.slice(firstText).some((b) => b.type === 'tool_result')) {
      return `messages.${i}.content: tool_result blocks must come before any other content in a user message`;
    }
  }
  return undefined;
}

/**
 * Which tools the simulated model calls: none without tools, with `tool_choice: none` or
 * right after tool results; the named tool when forced; else the tools the last user text
 * names (the first tool when `any` and none is named), one only when parallel use is off.
 */
function chooseTools(request: MessagesRequest, lastUserText: string): Tool[] | { unknownTool: string } {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  const last = request.messages.at(-1);
  const answersTools = last?.role === 'user' && blocksOf(last).some((b) => b.type === 'tool_result');
  if (tools.length === 0 || choice?.type === 'none' || answersTools) return [];
  if (choice?.type === 'tool') {
    const forced = tools.find((t) => t.name === choice.name);
    return forced ? [forced] : { unknownTool: choice.name };
  }
  let named = tools.filter((t) => lastUserText.includes(t.name));
  if (choice?.disable_parallel_tool_use) named = named.slice(0, 1);
  if (named.length === 0 && choice?.type === 'any') return tools.slice(0, 1);
  return named;
}

function promptTokens(request: MessagesRequest): number {
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((b) => b.text).join(' ');
  const blockWords = (block: Block): number => {
    if (block.type === 'text') return countWords(block.text);
    if (block.type === 'tool_use') return countWords(JSON.stringify(block.input));
    if (block.type === 'tool_result') return countWords(typeof block.content === 'string' ? block.content : (block.content ?? []).map((b) => b.text).join(' '));
    return 0;
  };
  const words = request.messages.reduce((sum, m) => sum + blocksOf(m).reduce((s, b) => s + blockWords(b), 0), countWords(system));
  return Math.max(1, words);
}

let sequence = 0;

/** A deterministic answer in the Messages shape; a reply longer than `max_tokens` words is cut there. */
function messageBody(request: MessagesRequest, tools: Tool[], lastUserText: string): Record<string, unknown> {
  const n = ++sequence;
  const base = { id: `msg_sim${n}`, type: 'message', role: 'assistant', model: request.model, stop_sequence: null };
  const input_tokens = promptTokens(request);
  if (tools.length > 0) {
    const content = tools.map((tool, i) => ({ type: 'tool_use', id: `toolu_sim${n}_${i}`, name: tool.name, input: sampleArgs(tool.input_schema) }));
    const output_tokens = content.reduce((sum, c) => sum + 2 + countWords(JSON.stringify(c.input)), 0);
    return { ...base, content, stop_reason: 'tool_use', usage: { input_tokens, output_tokens } };
  }
  const echo = echoReply(lastUserText);
  const stopAt = (request.stop_sequences ?? [])
    .map((s) => ({ s, at: echo.indexOf(s) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  const words = (stopAt ? echo.slice(0, stopAt.at) : echo).split(' ');
  const cut = words.length > request.max_tokens;
  const text = (cut ? words.slice(0, request.max_tokens) : words).join(' ');
  return {
    ...base,
    content: [{ type: 'text', text }],
    stop_reason: cut ? 'max_tokens' : stopAt ? 'stop_sequence' : 'end_turn',
    stop_sequence: !cut && stopAt ? stopAt.s : null,
    usage: { input_tokens, output_tokens: Math.max(1, countWords(text)) },
  };
}

function messages(req: SimRequest): SimResponse {
  if (!headerValue(req, 'anthropic-version')) return anthropicError(400, 'anthropic-version: header is required');
  const body = req.json();
  if (body === undefined) return anthropicError(400, 'There was an error parsing the body of your request: not JSON.');
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') return anthropicError(400, `${issue.keys[0]}: Extra inputs are not permitted`);
    return anthropicError(400, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body');
  }
  const request = parsed.data;
  const problem = conversationProblem(request.messages);
  if (problem) return anthropicError(400, problem);
  if (request.tool_choice && !request.tools?.length) return anthropicError(400, 'tool_choice: may only be specified while providing tools');
  // The last user turn with words in it: after tool results, the question they answer.
  const lastUserText = textOf(request.messages.findLast((m) => m.role === 'user' && textOf(m) !== ''));
  const tools = chooseTools(request, lastUserText);
  if (!Array.isArray(tools)) return anthropicError(400, `tool_choice.name: Tool '${tools.unknownTool}' not found in tools`);
  const message = messageBody(request, tools, lastUserText);
  if (!request.stream) return json(200, message);
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    body: '',
    stream: messageStreamFrames(message as never),
  };
}

/** Anthropic's Messages API; its base URL (`https://api.anthropic.com`) has no version segment. */
export const anthropic: SimVendor = {
  name: 'anthropic',
  basePath: '',
  routes: [{ method: 'POST', path: /^\/v1\/messages$/, handle: messages }],
  authenticate,
  error: anthropicError,
};
