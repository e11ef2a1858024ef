import type { RawData } from 'ws';
import { z } from 'zod';
import type { RealtimeSessionView, TranscriptEntry } from '@voxq/contracts';

/** The most text a session record keeps (both ways together); past it the transcript is cut and says so. */
export const MAX_TRANSCRIPT_CHARS = 64 * 1024;

const userText = z.looseObject({
  type: z.literal('conversation.item.create'),
  item: z.looseObject({
    type: z.literal('message'),
    role: z.literal('user'),
    content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  }),
});

const upstreamText = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('response.output_text.done'), text: z.string() }),
  z.looseObject({ type: z.literal('response.output_audio_transcript.done'), transcript: z.string() }),
  z.looseObject({ type: z.literal('conversation.item.input_audio_transcription.completed'), transcript: z.string() }),
  z.looseObject({
    type: z.literal('response.done'),
    response: z.looseObject({ usage: z.looseObject({ input_tokens: z.number().int().min(0), output_tokens: z.number().int().min(0) }).nullish() }),
  }),
]);

/**
 * Audio appends and every `*.delta` are most of a session's frames and all of its bytes, and
 * carry nothing the record keeps (the `*.done` events repeat the text whole): they are passed
 * on unparsed. The type is near the head of an event, so 128 bytes say which it is.
 */
const UNREAD = /"type"\s*:\s*"(input_audio_buffer\.append|[a-z_.]+\.delta)"/;

function eventOf(data: RawData, isBinary: boolean): unknown {
  if (isBinary || !Buffer.isBuffer(data)) return undefined;
  if (UNREAD.test(data.toString('latin1', 0, Math.min(128, data.length)))) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What a session's record keeps of its events, read as the relay passes them on: the user's
 * text items and transcribed speech, the model's text and audio transcripts, and the tokens
 * its `response.done` events report. Unknown or malformed events are the upstream's business.
 */
export class SessionTranscript {
  readonly entries: TranscriptEntry[] = [];
  truncated = false;
  readonly usage: RealtimeSessionView['usage'] = { responses: 0, inputTokens: 0, outputTokens: 0 };
  private chars = 0;

  fromClient(data: RawData, isBinary: boolean): void {
    const event = userText.safeParse(eventOf(data, isBinary));
    if (!event.success) return;
    const text = event.data.item.content.flatMap((part) => (part.type === 'input_text' && part.text ? [part.text] : [])).join('\n');
    if (text) this.add('user', text);
  }

  fromUpstream(data: RawData, isBinary: boolean): void {
    const event = upstreamText.safeParse(eventOf(data, isBinary));
    if (!event.success) return;
    const e = event.data;
    if (e.type === 'response.output_text.done') this.add('assistant', e.text);
    else if (e.type === 'response.output_audio_transcript.done') this.add('assistant', e.transcript);
    else if (e.type === 'conversation.item.input_audio_transcription.completed') this.add('user', e.transcript);
    else {
      this.usage.responses += 1;
      this.usage.inputTokens += e.response.usage?.input_tokens ?? 0;
      this.usage.outputTokens += e.response.usage?.output_tokens ?? 0;
    }
  }

  private add(role: TranscriptEntry['role'], text: string): void {
    if (this.truncated || text === '') return;
    const room = MAX_TRANSCRIPT_CHARS - this.chars;
    const kept = text.length > room ? text.slice(0, room) : text;
    if (kept.length < text.length) this.truncated = true;
    if (kept === '') return;
    this.chars += kept.length;
    this.entries.push({ role, text: kept, at: new Date().toISOString() });
  }
}
