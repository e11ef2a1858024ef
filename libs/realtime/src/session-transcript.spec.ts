import { describe, expect, it } from 'vitest';
import { MAX_TRANSCRIPT_CHARS, SessionTranscript } from './session-transcript';

const frame = (event: Record<string, unknown>) => Buffer.from(JSON.stringify(event));

describe('SessionTranscript', () => {
  it('keeps the text both ways and the reported tokens, from the events that carry them whole', () => {
    const t = new SessionTranscript();
    t.fromClient(frame({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } }), false);
    t.fromUpstream(frame({ type: 'response.output_text.delta', delta: 'Hel' }), false);
    t.fromUpstream(frame({ type: 'response.output_text.done', text: 'Hello' }), false);
    t.fromUpstream(frame({ type: 'conversation.item.input_audio_transcription.completed', transcript: 'spoken words' }), false);
    t.fromUpstream(frame({ type: 'response.output_audio_transcript.done', transcript: 'said back' }), false);
    t.fromUpstream(frame({ type: 'response.done', response: { usage: { input_tokens: 3, output_tokens: 7 } } }), false);
    expect(t.entries.map(({ role, text }) => [role, text])).toEqual([
      ['user', 'hi'],
      ['assistant', 'Hello'],
      ['user', 'spoken words'],
      ['assistant', 'said back'],
    ]);
    expect(t.usage).toEqual({ responses: 1, inputTokens: 3, outputTokens: 7 });
  });

  it('leaves deltas, audio appends, binary frames, other roles and garbage alone', () => {
    const t = new SessionTranscript();
    t.fromClient(frame({ type: 'input_audio_buffer.append', audio: 'AAAA' }), false);
    t.fromClient(
      frame({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'be brief' }] } }),
      false,
    );
    t.fromClient(Buffer.from('{"type":"conversation.item.create",'), false);
    t.fromUpstream(frame({ type: 'response.output_text.done', text: 'binary' }), true);
    expect(t.entries).toEqual([]);
  });

  it('cuts the transcript at its bound and says so', () => {
    const t = new SessionTranscript();
    t.fromUpstream(frame({ type: 'response.output_text.done', text: 'x'.repeat(MAX_TRANSCRIPT_CHARS - 10) }), false);
    t.fromUpstream(frame({ type: 'response.output_text.done', text: 'y'.repeat(20) }), false);
    t.fromUpstream(frame({ type: 'response.output_text.done', text: 'z' }), false);
    expect(t.truncated).toBe(true);
    expect(t.entries.map((e) => e.text.length)).toEqual([MAX_TRANSCRIPT_CHARS - 10, 10]);
  });
});
