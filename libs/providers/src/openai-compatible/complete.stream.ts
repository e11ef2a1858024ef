import { z } from 'zod';
import { errors } from '@voxq/errors';
import type { UpstreamEvent } from '../engine';
import type { LlmDelta } from '../provider';
import { fromWireLogprobs } from './complete.mapper';
import { wireTokenLogprobSchema, type WireResponse } from './wire.schema';

const chunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().min(0).default(0),
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().min(0).default(0),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        logprobs: z.object({ content: z.array(wireTokenLogprobSchema).nullish() }).nullish(),
      }),
    )
    .default([]),
  usage: z.object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) }).nullish(),
  /** Some servers (and proxies) report a failure mid-stream as a chunk with an error. */
  error: z.object({ message: z.string().optional() }).loose().nullish(),
});

interface ChoiceState {
  text: string;
  /** The wire's `logprobs.content` entries so far, when asked for. */
  logprobs: Array<z.infer<typeof wireTokenLogprobSchema>> | null;
  calls: Map<number, { id: string; name: string; args: string }>;
  finishReason?: string;
}

/**
 * Reads a Chat Completions stream (`chat.completion.chunk` events, then `[DONE]`): hands
 * each piece on as a delta and gathers the whole reply in the non-streamed wire shape, so
 * the one response mapper reads both.
 */
export class ChatStreamReader {
  private readonly choices = new Map<number, ChoiceState>();
  private model: string | undefined;
  private usage: WireResponse['usage'];
  private done = false;

  constructor(
    private readonly provider: string,
    private readonly onDelta: (delta: LlmDelta) => void,
  ) {}

  readonly onEvent = (event: UpstreamEvent): void => {
    if (event.data === '[DONE]') {
      this.done = true;
      return;
    }
    let parsed;
    try {
      parsed = chunkSchema.safeParse(JSON.parse(event.data));
    } catch {
      throw errors.providerUnavailable(this.provider, 'malformed stream: a chunk is not JSON');
    }
    if (!parsed.success) throw errors.providerUnavailable(this.provider, 'malformed stream: a chunk has an unexpected shape', parsed.error);
    const chunk = parsed.data;
    if (chunk.error) throw errors.providerUnavailable(this.provider, `stream failed: ${chunk.error.message ?? 'error chunk'}`);
    this.model ??= chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) this.read(choice);
  };

  private read(choice: z.infer<typeof chunkSchema>['choices'][number]): void {
    let state = this.choices.get(choice.index);
    if (!state) this.choices.set(choice.index, (state = { text: '', logprobs: null, calls: new Map() }));
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
    const delta: LlmDelta = choice.index === 0 ? {} : { index: choice.index };
    if (choice.delta?.content) {
      state.text += choice.delta.content;
      delta.content = choice.delta.content;
    }
    if (choice.logprobs?.content?.length) {
      (state.logprobs ??= []).push(...choice.logprobs.content);
      delta.logprobs = fromWireLogprobs(choice.logprobs);
    }
    for (const piece of choice.delta?.tool_calls ?? []) {
      let call = state.calls.get(piece.index);
      if (!call) state.calls.set(piece.index, (call = { id: '', name: '', args: '' }));
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.name += piece.function.name;
      if (piece.function?.arguments) call.args += piece.function.arguments;
      (delta.toolCalls ??= []).push({
        index: piece.index,
        ...(piece.id ? { id: piece.id } : {}),
        ...(piece.function?.name ? { name: piece.function.name } : {}),
        ...(piece.function?.arguments ? { args: piece.function.arguments } : {}),
      });
    }
    if (delta.content !== undefined || delta.toolCalls || delta.logprobs) this.onDelta(delta);
  }

  /** The whole reply; a stream that stopped before `[DONE]` and any finish reason was cut off. */
  reply(): WireResponse {
    const finished = [...this.choices.values()].some((c) => c.finishReason);
    if (!this.done && !finished) throw errors.providerUnavailable(this.provider, 'stream ended before it finished (no finish_reason, no [DONE])');
    if (this.choices.size === 0) throw errors.providerUnavailable(this.provider, 'malformed stream: no choices');
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({
        message: {
          role: 'assistant' as const,
          content: c.text === '' && c.calls.size > 0 ? null : c.text,
          ...(c.calls.size > 0
            ? {
                tool_calls: [...c.calls.entries()]
                  .sort(([a], [b]) => a - b)
                  .map(([, t]) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.args } })),
              }
            : {}),
        },
        finish_reason: c.finishReason ?? 'stop',
        ...(c.logprobs ? { logprobs: { content: c.logprobs } } : {}),
      }));
    return { ...(this.model ? { model: this.model } : {}), choices, usage: this.usage };
  }
}
