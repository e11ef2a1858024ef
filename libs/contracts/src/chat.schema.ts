import { z } from 'zod';

export const chatToolCallSchema = z.strictObject({
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  /** JSON-encoded arguments, as the model produced them. */
  args: z.string().max(1_000_000),
});
export type ChatToolCall = z.infer<typeof chatToolCallSchema>;

export const chatMessageSchema = z
  .strictObject({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string().max(2_000_000),
    toolCalls: z.array(chatToolCallSchema).max(128).optional(),
    toolCallId: z.string().min(1).max(256).optional(),
    isError: z.boolean().optional(),
  })
  .refine((m) => m.role !== 'tool' || m.toolCallId !== undefined, {
    message: 'a tool message needs `toolCallId`',
    path: ['toolCallId'],
  })
  .refine((m) => m.toolCalls === undefined || m.role === 'assistant', {
    message: 'only assistant messages carry `toolCalls`',
    path: ['toolCalls'],
  });
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Tools voxq runs itself, in-process: a small, safe set. */
export const BUILTIN_TOOLS = ['current_time'] as const;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** Where a webhook-mode tool runs (seed 001's `source`, the Speko SDK's shape). */
export const webhookToolSourceSchema = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  /** How long a call may take; past it the model sees an error result. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Sent with each call (e.g. the tool server's own auth). Never logged. */
  authHeaders: z
    .record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), z.string().max(4096))
    .refine((h) => Object.keys(h).length <= 16, 'at most 16 headers')
    .optional(),
  /** `async`: the model gets `asyncAck` at once; the call is delivered in the background. */
  responseMode: z.enum(['sync', 'async']).default('sync'),
  asyncAck: z.string().max(10_000).default('Accepted: the request is being processed.'),
});
export type WebhookToolSource = z.infer<typeof webhookToolSourceSchema>;

export const chatToolSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    description: z.string().max(4096).default(''),
    /** JSON Schema of the arguments. */
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    /**
     * `inline` (default): calls come back in the result's `toolCalls` for the client.
     * `webhook`: voxq POSTs each call to `source.url` and feeds the answer to the model.
     * `builtin`: voxq runs it itself (`current_time`).
     */
    executionMode: z.enum(['inline', 'webhook', 'builtin']).default('inline'),
    source: webhookToolSourceSchema.optional(),
  })
  .superRefine((tool, ctx) => {
    if (tool.executionMode === 'webhook' && !tool.source) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a webhook tool needs `source: {kind: "webhook", url}`' });
    }
    if (tool.executionMode !== 'webhook' && tool.source) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'only webhook tools take a `source`' });
    }
    if (tool.executionMode === 'builtin' && !(BUILTIN_TOOLS as readonly string[]).includes(tool.name)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `unknown builtin tool; builtins are ${BUILTIN_TOOLS.join(', ')}` });
    }
  });
export type ChatTool = z.infer<typeof chatToolSchema>;

export const toolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ name: z.string().min(1).max(128) })]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
