import { z } from 'zod';
import { errors } from '@voxq/errors';
import type { UpstreamEvent } from '../engine';
import type { LlmDelta } from '../provider';
import type { WireResponse } from './wire.schema';

const usageSchema = z.object({ input_tokens: z.number().int().min(0).nullish(), output_tokens: z.number().int().min(0).nullish() }).loose();

const eventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ id: z.string().optional(), model: z.string().optional(), usage: usageSchema.nullish() }) }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number().int().min(0),
    content_block: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() }).loose(),
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number().int().min(0),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }).loose(),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int().min(0) }),
  z.object({ type: z.literal('message_delta'), delta: z.object({ stop_reason: z.string().nullish() }).loose(), usage: usageSchema.nullish() }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: z.object({ type: z.string().optional(), message: z.string().optional() }).loose() }),
]);

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; json: string; call: number } | { type: 'other' };

/**
 * Reads a Messages stream (`message_start`, content blocks with `text_delta` and
 * `input_json_delta` pieces, `message_delta`, `message_stop`): hands on each piece as a
 * delta and gathers the whole message in the non-streamed wire shape for the one mapper.
 * Tool calls are numbered in the order their blocks start, as OpenAI's `tool_calls[].index`.
 */
export class MessageStreamReader {
  private readonly blocks = new Map<number, Block>();
  private id: string | undefined;
  private model: string | undefined;
  private stopReason: string | null = null;
  private inputTokens = 0;
  private outputTokens = 0;
  private calls = 0;
  private stopped = false;

  constructor(
    private readonly provider: string,
    private readonly onDelta: (delta: LlmDelta) => void,
  ) {}

  readonly onEvent = (event: UpstreamEvent): void => {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw errors.providerUnavailable(this.provider, 'malformed stream: an event is not JSON');
    }
    const parsed = eventSchema.safeParse(json);
    // Event types added after this adapter was written are skipped, as Anthropic asks of clients.
    if (!parsed.success) return;
    const e = parsed.data;
    switch (e.type) {
      case 'message_start':
        this.id = e.message.id;
        this.model = e.message.model;
        this.inputTokens = e.message.usage?.input_tokens ?? 0;
        this.outputTokens = e.message.usage?.output_tokens ?? 0;
        return;
      case 'content_block_start': {
        const block = e.content_block;
        if (block.type === 'text') this.blocks.set(e.index, { type: 'text', text: '' });
        else if (block.type === 'tool_use') {
          const call = this.calls++;
          this.blocks.set(e.index, { type: 'tool_use', id: block.id ?? '', name: block.name ?? '', json: '', call });
          this.onDelta({ toolCalls: [{ index: call, id: block.id ?? '', name: block.name ?? '' }] });
        } else this.blocks.set(e.index, { type: 'other' });
        return;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(e.index);
        if (block?.type === 'text' && e.delta.type === 'text_delta' && e.delta.text) {
          block.text += e.delta.text;
          this.onDelta({ content: e.delta.text });
        } else if (block?.type === 'tool_use' && e.delta.type === 'input_json_delta' && e.delta.partial_json) {
          block.json += e.delta.partial_json;
          this.onDelta({ toolCalls: [{ index: block.call, args: e.delta.partial_json }] });
        }
        return;
      }
      case 'message_delta':
        if (e.delta.stop_reason) this.stopReason = e.delta.stop_reason;
        if (e.usage?.output_tokens != null) this.outputTokens = e.usage.output_tokens;
        if (e.usage?.input_tokens != null) this.inputTokens = e.usage.input_tokens;
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      case 'error':
        // `overloaded_error` and the like: the upstream gave up mid-answer.
        throw errors.providerUnavailable(this.provider, `stream failed: ${e.error.type ?? 'error'}: ${e.error.message ?? ''}`.trim());
      default:
        return;
    }
  };

  /** The whole message; a stream that ended before `message_stop` was cut off. */
  message(): WireResponse {
    if (!this.stopped) throw errors.providerUnavailable(this.provider, 'stream ended before message_stop');
    const content = [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, block]): WireResponse['content'] => {
        if (block.type === 'text') return [{ type: 'text', text: block.text }];
        if (block.type === 'tool_use') return [{ type: 'tool_use', id: block.id, name: block.name, input: this.input(block.json) }];
        return [];
      });
    return {
      ...(this.id ? { id: this.id } : {}),
      type: 'message',
      ...(this.model ? { model: this.model } : {}),
      content,
      stop_reason: this.stopReason,
      usage: { input_tokens: this.inputTokens, output_tokens: this.outputTokens },
    };
  }

  private input(json: string): Record<string, unknown> {
    if (json === '') return {};
    try {
      return JSON.parse(json) as Record<string, unknown>;
    } catch {
      throw errors.providerUnavailable(this.provider, 'malformed stream: a tool call’s input is not JSON');
    }
  }
}
