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

export const chatToolSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  description: z.string().max(4096).default(''),
  /** JSON Schema of the arguments. */
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  /**
   * Only inline tools run today: their calls come back in the result's `toolCalls`.
   * Webhook and builtin execution arrive with the dispatcher's tool support.
   */
  executionMode: z.literal('inline').default('inline'),
});
export type ChatTool = z.infer<typeof chatToolSchema>;

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ name: z.string().min(1).max(128) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
