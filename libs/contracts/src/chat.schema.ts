import { z } from 'zod';
import { secretNameSchema } from './tenant-secret.schema';

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
const headerName = z.string().regex(HEADER_NAME, 'must be an HTTP header name');
const headerRecord = z.record(headerName, z.string().max(4096)).refine((h) => Object.keys(h).length <= 16, 'at most 16 headers');

/**
 * A tool's outbound auth headers: voxq's literal form (`{"x-tool-token": "…"}`, carried in
 * the job as given), or the Speko SDK's (`[{name, secretRef}]`: values are tenant secrets,
 * resolved when the call is sent, so the job never carries them).
 */
export const toolAuthHeadersSchema = z.union([headerRecord, z.array(z.strictObject({ name: headerName, secretRef: secretNameSchema })).max(16)]);

/** Where a webhook-mode tool runs (seed 001's `source`, the Speko SDK's shape). */
export const webhookToolSourceSchema = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  /**
   * The tenant secret (`POST /v1/secrets`) that signs the calls (Standard Webhooks). Unset:
   * the tenant's webhook secret signs them.
   */
  secretRef: secretNameSchema.optional(),
  /** Sent with each call as given (signature and content headers cannot be overridden). */
  headers: headerRecord.optional(),
  /** Sent with each call (e.g. the tool server's own auth). Never logged. */
  authHeaders: toolAuthHeadersSchema.optional(),
  /** How long a call may take; past it the model sees an error result. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** `async`: the model gets `asyncAck` at once; the call is delivered in the background. */
  responseMode: z.enum(['sync', 'async']).default('sync'),
  asyncAck: z.string().max(10_000).default('Accepted: the request is being processed.'),
});
export type WebhookToolSource = z.infer<typeof webhookToolSourceSchema>;

/** A builtin run by voxq (`name`, e.g. `current_time`); the tool's own name is what the model calls. */
export const builtinToolSourceSchema = z.strictObject({
  kind: z.literal('builtin'),
  name: z.string().min(1).max(128),
  config: z.unknown().optional(),
});

/** The Speko SDK's integrations (installed third-party apps): voxq has none, and says so. */
const integrationToolSourceSchema = z.looseObject({ kind: z.literal('integration') });

const NO_INTEGRATIONS = 'voxq has no integrations: use a webhook tool (`source: {kind: "webhook", url}`) or a builtin';

export const toolSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('inline') }),
  webhookToolSourceSchema,
  builtinToolSourceSchema,
  integrationToolSourceSchema,
]);

type ToolMode = 'inline' | 'webhook' | 'builtin';

export const chatToolSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    description: z.string().max(4096).default(''),
    /** JSON Schema of the arguments. */
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    /**
     * `inline` (the default, or `source.kind` when a source is given): calls come back in the
     * result's `toolCalls` for the client. `webhook`: voxq POSTs each call to `source.url`
     * and feeds the answer to the model. `builtin`: voxq runs it itself (`current_time`).
     */
    executionMode: z.enum(['inline', 'webhook', 'builtin', 'integration']).optional(),
    source: toolSourceSchema.optional(),
    /** Whether the model speaks before a tool call (the Speko SDK's; carried in the job for the complete job). */
    preToolSpeech: z.enum(['auto', 'always', 'never']).optional(),
  })
  .superRefine((tool, ctx) => {
    if (tool.executionMode === 'integration' || tool.source?.kind === 'integration') {
      ctx.addIssue({ code: 'custom', path: tool.source?.kind === 'integration' ? ['source', 'kind'] : ['executionMode'], message: NO_INTEGRATIONS });
      return;
    }
    const mode = tool.executionMode ?? tool.source?.kind ?? 'inline';
    if (tool.source && tool.executionMode && tool.source.kind !== tool.executionMode) {
      ctx.addIssue({ code: 'custom', path: ['source', 'kind'], message: `must match executionMode '${tool.executionMode}'` });
    }
    if (mode === 'webhook' && tool.source?.kind !== 'webhook') {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a webhook tool needs `source: {kind: "webhook", url}`' });
    }
    const builtin = tool.source?.kind === 'builtin' ? tool.source.name : tool.name;
    if (mode === 'builtin' && !(BUILTIN_TOOLS as readonly string[]).includes(builtin)) {
      const path = tool.source?.kind === 'builtin' ? ['source', 'name'] : ['name'];
      ctx.addIssue({ code: 'custom', path, message: `unknown builtin tool; builtins are ${BUILTIN_TOOLS.join(', ')}` });
    }
  })
  // Every later reader sees the mode decided once: given, else the source's kind, else inline.
  .transform((tool) => ({ ...tool, executionMode: (tool.executionMode ?? tool.source?.kind ?? 'inline') as ToolMode }));
export type ChatTool = z.infer<typeof chatToolSchema>;

/** The builtin a builtin tool runs: its source's `name`, else the tool's own name. */
export function builtinNameOf(tool: Pick<ChatTool, 'name' | 'source'>): string {
  return tool.source?.kind === 'builtin' ? tool.source.name : tool.name;
}

/** Every tenant secret a job's tools name, with where the request named it (`tools.0.source.secretRef`). */
export function toolSecretRefs(tools: readonly Pick<ChatTool, 'source'>[] | undefined): Array<{ name: string; path: string }> {
  const refs: Array<{ name: string; path: string }> = [];
  tools?.forEach((tool, i) => {
    if (tool.source?.kind !== 'webhook') return;
    if (tool.source.secretRef) refs.push({ name: tool.source.secretRef, path: `tools.${i}.source.secretRef` });
    const auth = tool.source.authHeaders;
    if (Array.isArray(auth)) auth.forEach((h, j) => refs.push({ name: h.secretRef, path: `tools.${i}.source.authHeaders.${j}.secretRef` }));
  });
  return refs;
}

/** `{name}` (voxq's), or OpenAI's and the Speko SDK's `{type: "function", function: {name}}`, read as `{name}`. */
export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ name: z.string().min(1).max(128) }),
  z
    .strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1).max(128) }) })
    .transform((choice) => ({ name: choice.function.name })),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
