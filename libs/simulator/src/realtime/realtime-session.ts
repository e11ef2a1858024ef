import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocket } from 'ws';
import { countWords, echoReply } from '../chat-completion';
import { pcmTone, speechSeconds } from '../audio';
import { clientEventSchema, CLIENT_EVENT_TYPES, type ClientEvent } from './realtime-events';

/** OpenAI's realtime audio: 16-bit mono PCM at 24 kHz, both ways. */
export const REALTIME_SAMPLE_RATE = 24_000;
/** A stream's pace when the vendor has none set: a model emits its deltas a few ms apart. */
export const DEFAULT_DELTA_MS = 5;

export interface SimSessionOptions {
  model: string;
  /** The delay between a response's deltas, read per response (the vendor's `tokenMs`). */
  paceMs: () => number;
  /** The `cut` fault: the socket drops (no close frame) after the first delta of the first response. */
  cutAfterFirstDelta?: boolean;
}

type Json = Record<string, unknown>;

/** The `type` and `event_id` of an event that did not parse, as far as it has them. */
function envelopeOf(raw: unknown): { type?: unknown; event_id?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const { type, event_id } = raw as { type?: unknown; event_id?: unknown };
  return { type, ...(typeof event_id === 'string' ? { event_id } : {}) };
}

interface Turn {
  role: 'user' | 'assistant' | 'system';
  text: string;
}

/**
 * One simulated OpenAI Realtime session on an accepted socket: `session.created` at once, then
 * each client event answered as the vendor does (the subset in docs/realtime.md). A response
 * echoes the last user turn, as text deltas or as PCM16 audio deltas with their transcript,
 * at the vendor's pace; a bad event gets an `error` event and the session goes on.
 */
export class SimRealtimeSession {
  private seq = 0;
  private readonly id = `sess_sim${Math.random().toString(36).slice(2, 12)}`;
  private session: Json;
  private readonly turns: Turn[] = [];
  private lastItemId: string | null = null;
  private audioBytes = 0;
  private active: AbortController | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: SimSessionOptions,
  ) {
    this.session = {
      type: 'realtime',
      object: 'realtime.session',
      id: this.id,
      model: options.model,
      output_modalities: ['audio'],
      instructions: '',
      tool_choice: 'auto',
      tools: [],
      max_output_tokens: 'inf',
      audio: {
        // No voice activity detection here: a turn ends when the client commits its audio.
        input: { format: { type: 'audio/pcm', rate: REALTIME_SAMPLE_RATE }, transcription: null, turn_detection: null },
        output: { format: { type: 'audio/pcm', rate: REALTIME_SAMPLE_RATE }, voice: 'alloy', speed: 1 },
      },
    };
    socket.on('message', (data, isBinary) => this.onMessage(isBinary ? null : data.toString()));
    socket.on('close', () => this.active?.abort());
    this.send({ type: 'session.created', session: this.session });
  }

  private send(event: Json): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify({ event_id: `event_sim${++this.seq}`, ...event }));
  }

  private error(code: string, message: string, clientEventId?: string, param: string | null = null): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: clientEventId ?? null } });
  }

  private onMessage(text: string | null): void {
    let raw: unknown;
    try {
      raw = text === null ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    if (raw === undefined) return this.error('invalid_json', 'The event is not valid JSON text.');
    const parsed = clientEventSchema.safeParse(raw);
    if (!parsed.success) {
      const { type, event_id: eventId } = envelopeOf(raw);
      if (typeof type !== 'string' || !CLIENT_EVENT_TYPES.includes(type)) {
        return this.error('invalid_value', `Invalid value: '${String(type)}'. Supported values are: ${CLIENT_EVENT_TYPES.join(', ')}.`, eventId, 'type');
      }
      const issue = parsed.error.issues[0];
      return this.error(
        'invalid_value',
        `Invalid '${issue?.path.join('.') || 'event'}': ${issue?.message ?? 'invalid'}.`,
        eventId,
        issue?.path.join('.') ?? null,
      );
    }
    this.handle(parsed.data);
  }

  private handle(event: ClientEvent): void {
    switch (event.type) {
      case 'session.update': {
        const { audio, ...rest } = event.session;
        const current = this.session['audio'] as { input: Json; output: Json };
        this.session = { ...this.session, ...rest, audio: { ...current, output: { ...current.output, ...audio?.output } } };
        return this.send({ type: 'session.updated', session: this.session });
      }
      case 'conversation.item.create': {
        const text = event.item.content.map((part) => part.text ?? part.transcript ?? '').join(' ');
        return this.addItem(event.item.role, text, event.item.content);
      }
      case 'input_audio_buffer.append':
        this.audioBytes += Buffer.from(event.audio, 'base64').length;
        return;
      case 'input_audio_buffer.clear':
        this.audioBytes = 0;
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'input_audio_buffer.commit': {
        // OpenAI refuses a commit of less than 100 ms of audio.
        const ms = Math.round((this.audioBytes / 2 / REALTIME_SAMPLE_RATE) * 1000);
        if (ms < 100) {
          return this.error(
            'input_audio_buffer_commit_empty',
            `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms}ms of audio.`,
            event.event_id,
          );
        }
        this.audioBytes = 0;
        const itemId = this.nextItemId();
        this.send({ type: 'input_audio_buffer.committed', previous_item_id: this.lastItemId, item_id: itemId });
        return this.addItem('user', `${ms} ms of audio`, [{ type: 'input_audio', transcript: null }], itemId);
      }
      case 'response.create':
        if (this.active)
          return this.error('conversation_already_has_active_response', 'Conversation already has an active response in progress.', event.event_id);
        return void this.respond(event.response?.output_modalities ?? (this.session['output_modalities'] as string[]));
      case 'response.cancel':
        if (!this.active) return this.error('response_cancel_not_active', 'Cancellation failed: no active response found.', event.event_id);
        return this.active.abort();
    }
  }

  private nextItemId(): string {
    return `item_sim${++this.seq}`;
  }

  private addItem(role: Turn['role'], text: string, content: unknown[], id = this.nextItemId()): void {
    this.turns.push({ role, text });
    const item = { id, object: 'realtime.item', type: 'message', status: 'completed', role, content };
    this.send({ type: 'conversation.item.created', previous_item_id: this.lastItemId, item });
    this.lastItemId = id;
  }

  private async respond(modalities: readonly string[]): Promise<void> {
    const controller = (this.active = new AbortController());
    const audio = modalities.includes('audio');
    const responseId = `resp_sim${++this.seq}`;
    const itemId = this.nextItemId();
    const reply = echoReply(this.turns.findLast((t) => t.role === 'user')?.text ?? '');
    const base = { object: 'realtime.response', id: responseId, conversation_id: `conv_${this.id}`, output_modalities: audio ? ['audio'] : ['text'] };
    this.send({ type: 'response.created', response: { ...base, status: 'in_progress', status_details: null, output: [], usage: null } });
    const item = { id: itemId, object: 'realtime.item', type: 'message', role: 'assistant' };
    this.send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    const at = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    const words = reply.split(/(?<= )/);
    let sent = '';
    let audioMs = 0;
    for (const word of words) {
      if (controller.signal.aborted) break;
      if (sent !== '') {
        await sleep(this.options.paceMs() || DEFAULT_DELTA_MS);
        if (controller.signal.aborted) break;
      }
      if (audio) {
        const seconds = speechSeconds(word);
        audioMs += seconds * 1000;
        this.send({ type: 'response.output_audio.delta', ...at, delta: pcmTone(seconds, REALTIME_SAMPLE_RATE).toString('base64') });
        this.send({ type: 'response.output_audio_transcript.delta', ...at, delta: word });
      } else {
        this.send({ type: 'response.output_text.delta', ...at, delta: word });
      }
      sent += word;
      if (this.options.cutAfterFirstDelta) return void this.socket.terminate();
    }
    const cancelled = controller.signal.aborted;
    if (audio) {
      this.send({ type: 'response.output_audio.done', ...at });
      this.send({ type: 'response.output_audio_transcript.done', ...at, transcript: sent });
    } else {
      this.send({ type: 'response.output_text.done', ...at, text: sent });
    }
    const part = audio ? { type: 'output_audio', transcript: sent } : { type: 'output_text', text: sent };
    const done = { ...item, status: cancelled ? 'incomplete' : 'completed', content: [part] };
    this.send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
    this.turns.push({ role: 'assistant', text: sent });
    const input = this.turns.reduce((sum, t) => sum + Math.max(1, countWords(t.text)), 0);
    const output = Math.max(1, countWords(sent)) + Math.round(audioMs / 100);
    this.active = null;
    this.send({
      type: 'response.done',
      response: {
        ...base,
        status: cancelled ? 'cancelled' : 'completed',
        status_details: cancelled ? { type: 'cancelled', reason: 'client_cancelled' } : null,
        output: [done],
        usage: {
          total_tokens: input + output,
          input_tokens: input,
          output_tokens: output,
          input_token_details: { text_tokens: input, audio_tokens: 0, cached_tokens: 0 },
          output_token_details: { text_tokens: Math.max(1, countWords(sent)), audio_tokens: Math.round(audioMs / 100) },
        },
      },
    });
  }
}
