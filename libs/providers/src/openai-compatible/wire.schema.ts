import { z } from 'zod';

/**
 * The OpenAI Chat Completions wire format, as far as voxq speaks it. These types stay in
 * this folder: the rest of voxq sees only `LlmRequest` / `LlmResponse`.
 */
export type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireRequest {
  model: string;
  messages: WireMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters: Record<string, unknown> } }>;
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  max_tokens?: number;
  temperature?: number;
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  response_format?:
    | { type: 'text' | 'json_object' }
    | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };
  n?: number;
  stop?: string[];
  seed?: number;
  top_p?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  logprobs?: boolean;
  top_logprobs?: number;
  user?: string;
  metadata?: Record<string, string>;
  service_tier?: string;
  store?: boolean;
  verbosity?: string;
  prediction?: Record<string, unknown>;
  web_search_options?: Record<string, unknown>;
  prompt_cache_key?: string;
  prompt_cache_retention?: string;
  safety_identifier?: string;
}

const wireLogprobSchema = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number().int()).nullish() });
export const wireTokenLogprobSchema = wireLogprobSchema.extend({ top_logprobs: z.array(wireLogprobSchema).nullish() });

const wireToolCallSchema = z.object({
  id: z.string().min(1),
  // Some compatible servers (older Ollama, llama.cpp) leave `type` out.
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

export const wireResponseSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          role: z.literal('assistant').optional(),
          content: z.string().nullish(),
          tool_calls: z.array(wireToolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
        index: z.number().int().min(0).optional(),
        logprobs: z.object({ content: z.array(wireTokenLogprobSchema).nullish() }).nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) }).nullish(),
});
export type WireResponse = z.infer<typeof wireResponseSchema>;

/** `{ error: { message, type, code } }`; compatible servers sometimes send a bare string. */
export const wireErrorSchema = z.object({
  error: z.union([z.object({ message: z.string(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }), z.string()]),
});
