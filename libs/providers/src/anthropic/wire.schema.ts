import { z } from 'zod';

/**
 * The Anthropic Messages wire format (`POST /v1/messages`), as far as voxq speaks it.
 * These types stay in this folder: the rest of voxq sees only `LlmRequest` / `LlmResponse`.
 */
export type WireTextBlock = { type: 'text'; text: string };
export type WireToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
export type WireToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: true };
export type WireBlock = WireTextBlock | WireToolUseBlock | WireToolResultBlock;

export interface WireMessage {
  role: 'user' | 'assistant';
  /** A string is shorthand for one text block. */
  content: string | WireBlock[];
}

export interface WireTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type WireToolChoice =
  { type: 'auto' | 'any'; disable_parallel_tool_use?: true } | { type: 'tool'; name: string; disable_parallel_tool_use?: true } | { type: 'none' };

export interface WireRequest {
  model: string;
  /** Required by Anthropic, unlike OpenAI's `max_tokens`. */
  max_tokens: number;
  system?: string;
  messages: WireMessage[];
  temperature?: number;
  stop_sequences?: string[];
  top_p?: number;
  metadata?: { user_id: string };
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
}

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlockSchema = z.object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() });
/** Blocks voxq does not use (thinking, server tools, …) are kept as a marker and skipped, not an error. */
const otherBlockSchema = z
  .looseObject({ type: z.string().refine((type) => type !== 'text' && type !== 'tool_use', 'malformed content block') })
  .transform((block) => ({ type: 'other' as const, original: block.type }));

export const wireResponseSchema = z.object({
  id: z.string().optional(),
  // Tells a message from an error envelope a proxy passed on with a 200.
  type: z.literal('message'),
  role: z.literal('assistant').optional(),
  model: z.string().optional(),
  content: z.array(z.union([textBlockSchema, toolUseBlockSchema, otherBlockSchema])),
  stop_reason: z.string().nullish(),
  usage: z
    .object({
      input_tokens: z.number().int().min(0),
      output_tokens: z.number().int().min(0),
      // Prompt-cache reads and writes are counted apart from `input_tokens`.
      cache_creation_input_tokens: z.number().int().min(0).nullish(),
      cache_read_input_tokens: z.number().int().min(0).nullish(),
    })
    .nullish(),
});
export type WireResponse = z.infer<typeof wireResponseSchema>;

/** `{ type: 'error', error: { type: 'rate_limit_error', message } }`. */
export const wireErrorSchema = z.object({
  type: z.literal('error').optional(),
  error: z.object({ type: z.string().optional(), message: z.string() }),
});
