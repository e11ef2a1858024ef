import type { CompleteResult, JobView, StreamDelta } from '@voxq/contracts';
import { errors, type AppError } from '@voxq/errors';
import { ReplyTracker, type StreamItem } from '@voxq/job-stream';
import { chatCompletionChunks, openAiLogprobs, openAiUsage } from './chat-completions';

/** What to write next: chunks (with the stream id they resume after), and whether the stream ends with an error instead of `[DONE]`. */
export interface ChunkStep {
  chunks: Array<{ id?: string; data: object }>;
  error?: AppError;
}

/**
 * A streamed job as OpenAI's `chat.completion.chunk` events, made as the reply is: the role
 * on each choice's first chunk, text and tool-call pieces as they come, then (once the job
 * has completed) each choice's finish reason and, when asked, the usage chunk. A result no
 * one streamed (the provider did not) is sent whole. OpenAI's wire cannot take back what it
 * sent, so when the provider sending it fails part-way the stream ends with an error
 * (`stream_interrupted`) rather than run another provider's text on after it.
 */
export class ChatChunkStream {
  private readonly tracker: ReplyTracker;
  private readonly started = new Set<number>();
  private model: string;
  private readonly id: string;
  private readonly created: number;

  /** @param resumeAfter a reconnecting client's `Last-Event-ID`: only what comes after it is sent. */
  constructor(
    private readonly job: JobView,
    requestedModel: string | undefined,
    private readonly includeUsage: boolean,
    resumeAfter?: string,
  ) {
    this.tracker = new ReplyTracker(resumeAfter);
    this.id = `chatcmpl-${job.id}`;
    this.created = Math.floor(Date.parse(job.createdAt) / 1000);
    this.model = requestedModel ?? '';
  }

  private chunk(index: number, delta: object, finishReason: string | null = null, logprobs: object | null = null): object {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, finish_reason: finishReason, logprobs }],
    };
  }

  private piece(delta: StreamDelta): object[] {
    const index = delta.i ?? 0;
    const out: object[] = [];
    if (!this.started.has(index)) {
      this.started.add(index);
      out.push(this.chunk(index, { role: 'assistant', content: delta.tc && !delta.c ? null : '', refusal: null }));
    }
    if (delta.c || delta.lp) out.push(this.chunk(index, { content: delta.c ?? '' }, null, openAiLogprobs(delta.lp)));
    if (delta.tc?.length) {
      const calls = delta.tc.map((c) => ({
        index: c.index,
        ...(c.id ? { id: c.id, type: 'function' } : {}),
        function: { ...(c.name ? { name: c.name } : {}), arguments: c.args ?? '' },
      }));
      out.push(this.chunk(index, { tool_calls: calls }));
    }
    return out;
  }

  /** Chunks for new stream entries. */
  items(items: readonly StreamItem[]): ChunkStep {
    const chunks: ChunkStep['chunks'] = [];
    for (const event of this.tracker.read(items)) {
      if (event.type === 'reply') this.model = event.model;
      else if (event.type === 'delta') {
        // A replayed piece still counts (its choice has had its role chunk); it is not sent again.
        const out = this.piece(event.delta);
        if (!event.replayed) chunks.push(...out.map((data) => ({ id: event.id, data })));
      } else if (event.type === 'reset') return { chunks, error: errors.streamInterrupted(this.job.id, event.provider, event.message) };
      // Server-side tool progress and lead-ins have no place in OpenAI's chunks: the calls run inside voxq.
    }
    return { chunks };
  }

  /** The closing chunks once the job has completed with `result`. */
  finish(job: JobView, result: CompleteResult): ChunkStep {
    const outcome = this.tracker.outcome();
    if (outcome === 'none') return { chunks: chatCompletionChunks(job, result, this.includeUsage).map((data) => ({ data })) };
    if (outcome === 'broken') return { chunks: [], error: errors.streamInterrupted(job.id, result.provider, 'a later provider call did not stream') };
    this.model = result.model;
    const choices = [result, ...(result.moreChoices ?? [])];
    const chunks = [...this.started].sort((a, b) => a - b).map((index) => this.chunk(index, {}, choices[index]?.finishReason ?? result.finishReason));
    if (this.includeUsage) {
      chunks.push({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: openAiUsage(result) });
    }
    return { chunks: chunks.map((data) => ({ data })) };
  }
}
