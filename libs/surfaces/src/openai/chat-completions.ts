import { z } from 'zod';
import type { ChatMessage, CompleteResult, JobView, TokenLogprob } from '@voxq/contracts';
import type { Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import { pinModel } from '../pin-model';
import { chatParamFields, checkChatParams, samplingInput, validateChatJob } from './chat-params';

// Request shapes are OpenAI's; unknown fields are ignored, as OpenAI-compatible servers do.

const textPartsSchema = z.array(z.looseObject({ type: z.string(), text: z.string().optional() }));
const contentSchema = z.union([z.string(), textPartsSchema]).nullable().optional();

const openAiToolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const openAiMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: contentSchema }),
  z.looseObject({ role: z.literal('user'), content: contentSchema }),
  z.looseObject({ role: z.literal('assistant'), content: contentSchema, tool_calls: z.array(openAiToolCallSchema).optional() }),
  z.looseObject({ role: z.literal('tool'), content: contentSchema, tool_call_id: z.string().min(1) }),
]);

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  messages: z.array(openAiMessageSchema).min(1),
  temperature: z.number().nullable().optional(),
  max_tokens: z.number().int().nullable().optional(),
  max_completion_tokens: z.number().int().nullable().optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  ...chatParamFields,
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

const textOf = (content: z.infer<typeof contentSchema>) =>
  typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');

function toMessages(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content) };
      case 'user':
        return { role: 'user', content: textOf(m.content) };
      case 'assistant':
        return {
          role: 'assistant',
          content: textOf(m.content),
          ...(m.tool_calls?.length ? { toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, args: c.function.arguments })) } : {}),
        };
      case 'tool':
        return { role: 'tool', content: textOf(m.content), toolCallId: m.tool_call_id };
    }
  });
}

/** The complete job request for a chat completion request (validated by the caller). */
export function completeRequest(runtime: ProviderRuntime, body: ChatCompletionRequest) {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const choice = body.tool_choice;
  return {
    type: 'complete' as const,
    input: {
      messages: toMessages(body.messages),
      ...(body.temperature == null ? {} : { temperature: body.temperature }),
      ...(maxTokens == null ? {} : { maxTokens }),
      ...(body.reasoning_effort == null ? {} : { reasoningEffort: body.reasoning_effort }),
      ...(body.tools?.length
        ? {
            tools: body.tools.map((t) => ({
              name: t.function.name,
              description: t.function.description ?? '',
              parameters: t.function.parameters ?? { type: 'object', properties: {} },
            })),
          }
        : {}),
      ...(choice === undefined ? {} : { toolChoice: typeof choice === 'string' ? choice : { name: choice.function.name } }),
      ...(body.parallel_tool_calls === undefined ? {} : { parallelToolCalls: body.parallel_tool_calls }),
      ...samplingInput(body),
    },
    constraints: pinModel(runtime, 'llm', body.model),
  };
}

/**
 * The checked job for a chat request: its errors name the request's fields, an unknown
 * `model` is 404 and a parameter no candidate provider honours is 400, nothing queued.
 */
export function chatSubmission(runtime: ProviderRuntime, body: ChatCompletionRequest): Submission {
  const job = validateChatJob(completeRequest(runtime, body), body);
  if (job.type === 'complete') checkChatParams(runtime, job);
  return job as Submission;
}

const completionId = (job: JobView) => `chatcmpl-${job.id}`;
const createdOf = (job: JobView) => Math.floor(Date.parse(job.createdAt) / 1000);
const openAiToolCalls = (r: Pick<CompleteResult, 'toolCalls'>) =>
  r.toolCalls?.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } }));
export const openAiUsage = (r: CompleteResult) => ({
  prompt_tokens: r.usage.promptTokens,
  completion_tokens: r.usage.completionTokens,
  total_tokens: r.usage.promptTokens + r.usage.completionTokens,
});

export const openAiLogprobs = (logprobs: TokenLogprob[] | undefined) =>
  logprobs
    ? {
        content: logprobs.map(({ topLogprobs, ...token }) => ({ ...token, top_logprobs: topLogprobs })),
        refusal: null,
      }
    : null;

type Choice = Pick<CompleteResult, 'text' | 'finishReason' | 'toolCalls' | 'logprobs'>;

function openAiChoice(choice: Choice, index: number) {
  const toolCalls = openAiToolCalls(choice);
  return {
    index,
    message: {
      role: 'assistant' as const,
      content: toolCalls?.length && !choice.text ? null : choice.text,
      refusal: null,
      ...(toolCalls?.length ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: choice.finishReason,
    logprobs: openAiLogprobs(choice.logprobs),
  };
}

/** OpenAI's `chat.completion` object: one choice, or `n` of them. */
export function chatCompletion(job: JobView, r: CompleteResult) {
  return {
    id: completionId(job),
    object: 'chat.completion' as const,
    created: createdOf(job),
    model: r.model,
    choices: [r, ...(r.moreChoices ?? [])].map(openAiChoice),
    usage: openAiUsage(r),
  };
}

/**
 * A finished job's result as `chat.completion.chunk` events, in order (without the closing
 * `[DONE]`), for a stream whose provider did not stream: each choice's text in one chunk
 * (with its logprobs), its tool calls, then its finish reason.
 */
export function chatCompletionChunks(job: JobView, r: CompleteResult, includeUsage: boolean): object[] {
  const chunk = (index: number, delta: object, finishReason: string | null, logprobs: object | null = null) => ({
    id: completionId(job),
    object: 'chat.completion.chunk',
    created: createdOf(job),
    model: r.model,
    choices: [{ index, delta, finish_reason: finishReason, logprobs }],
  });
  const chunks: object[] = [];
  [r, ...(r.moreChoices ?? [])].forEach((choice: Choice, index) => {
    chunks.push(chunk(index, { role: 'assistant', content: '' }, null));
    if (choice.text || choice.logprobs) chunks.push(chunk(index, { content: choice.text }, null, openAiLogprobs(choice.logprobs)));
    const toolCalls = openAiToolCalls(choice);
    if (toolCalls?.length) chunks.push(chunk(index, { tool_calls: toolCalls.map((c, i) => ({ index: i, ...c })) }, null));
    chunks.push(chunk(index, {}, choice.finishReason));
  });
  if (includeUsage) chunks.push({ ...chunk(0, {}, null), choices: [], usage: openAiUsage(r) });
  return chunks;
}
