import { describe, expect, it } from 'vitest';
import { transcribeResultSchema, type TranscribeResult } from '@voxq/contracts';
import { formatTimestamp, renderTranscription, segmentsOf, TRANSCRIPTION_FORMATS } from './transcription-formats';

const result = (overrides: Partial<TranscribeResult> = {}): TranscribeResult =>
  transcribeResultSchema.parse({
    provider: 'openai',
    model: 'whisper-1',
    failoverCount: 0,
    scoresRunId: null,
    timings: { queuedMs: 1, processingMs: 2, providerMs: 2 },
    text: 'The quick brown fox jumps over the lazy dog.',
    language: 'en',
    usage: { audioSeconds: 4.2 },
    segments: [
      { start: 0, end: 2.5, text: 'The quick brown fox' },
      { start: 2.5, end: 4.2, text: 'jumps over the lazy dog.' },
    ],
    ...overrides,
  });
const bare = result({ segments: undefined });

describe('formatTimestamp', () => {
  it.each([
    [0, '00:00:00,000'],
    [2.5, '00:00:02,500'],
    [61.001, '00:01:01,001'],
    [3723.4567, '01:02:03,457'],
    [36_000, '10:00:00,000'],
    [360_000.25, '100:00:00,250'],
  ])('writes %d s as %s', (seconds, expected) => {
    expect(formatTimestamp(seconds, ',')).toBe(expected);
    expect(formatTimestamp(seconds, '.')).toBe(expected.replace(',', '.'));
  });

  it('rounds to the millisecond, carrying into seconds, minutes and hours', () => {
    expect(formatTimestamp(1.0004, ',')).toBe('00:00:01,000');
    expect(formatTimestamp(1.0006, ',')).toBe('00:00:01,001');
    expect(formatTimestamp(59.9996, ',')).toBe('00:01:00,000');
    expect(formatTimestamp(3599.9999, '.')).toBe('01:00:00.000');
  });

  it('never writes a negative time', () => {
    expect(formatTimestamp(-0.02, ',')).toBe('00:00:00,000');
  });
});

describe('segmentsOf', () => {
  it("keeps the result's segments, or spans the audio with the whole text, or has none for silence", () => {
    expect(segmentsOf(result())).toHaveLength(2);
    expect(segmentsOf(bare)).toEqual([{ start: 0, end: 4.2, text: 'The quick brown fox jumps over the lazy dog.' }]);
    expect(segmentsOf(result({ segments: [] }))).toHaveLength(1);
    expect(segmentsOf(result({ text: ' ', segments: undefined }))).toEqual([]);
  });
});

describe('renderTranscription', () => {
  it('lists the formats OpenAI takes', () => {
    expect(TRANSCRIPTION_FORMATS).toEqual(['json', 'text', 'srt', 'verbose_json', 'vtt']);
  });

  it('answers json with the text and the billed seconds, and text with a trailing newline', () => {
    expect(renderTranscription('json', result(), 'transcribe')).toEqual({
      contentType: 'application/json',
      body: { text: 'The quick brown fox jumps over the lazy dog.', usage: { type: 'duration', seconds: 5 } },
    });
    expect(renderTranscription('text', result(), 'transcribe')).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: 'The quick brown fox jumps over the lazy dog.\n',
    });
  });

  it('writes one numbered SRT cue per segment', () => {
    expect(renderTranscription('srt', result(), 'transcribe')).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: '1\n00:00:00,000 --> 00:00:02,500\nThe quick brown fox\n\n2\n00:00:02,500 --> 00:00:04,200\njumps over the lazy dog.\n\n',
    });
  });

  it('writes a WEBVTT header and one cue per segment', () => {
    expect(renderTranscription('vtt', result(), 'translate')).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: 'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nThe quick brown fox\n\n00:00:02.500 --> 00:00:04.200\njumps over the lazy dog.\n\n',
    });
  });

  it('spans the whole audio with one cue when the result has no segments', () => {
    expect(renderTranscription('srt', bare, 'transcribe').body).toBe('1\n00:00:00,000 --> 00:00:04,200\nThe quick brown fox jumps over the lazy dog.\n\n');
    expect(renderTranscription('vtt', bare, 'transcribe').body).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:04.200\nThe quick brown fox jumps over the lazy dog.\n\n',
    );
  });

  it('writes no cues for silence, skips empty segments, and keeps a cue’s text from closing its timing line', () => {
    const silent = result({ text: '', segments: undefined });
    expect(renderTranscription('srt', silent, 'transcribe').body).toBe('');
    expect(renderTranscription('vtt', silent, 'transcribe').body).toBe('WEBVTT\n\n');
    const odd = result({
      text: 'a --> b',
      segments: [
        { start: 0, end: 1, text: ' ' },
        { start: 1, end: 2, text: ' a --> b ' },
      ],
    });
    expect(renderTranscription('srt', odd, 'transcribe').body).toBe('1\n00:00:01,000 --> 00:00:02,000\na -> b\n\n');
  });

  it("answers verbose_json in Whisper's shape, naming the language", () => {
    expect(renderTranscription('verbose_json', result(), 'transcribe')).toEqual({
      contentType: 'application/json',
      body: {
        task: 'transcribe',
        language: 'english',
        duration: 4.2,
        text: 'The quick brown fox jumps over the lazy dog.',
        segments: [
          {
            id: 0,
            seek: 0,
            start: 0,
            end: 2.5,
            text: 'The quick brown fox',
            tokens: [],
            temperature: 0,
            avg_logprob: 0,
            compression_ratio: 0,
            no_speech_prob: 0,
          },
          {
            id: 1,
            seek: 0,
            start: 2.5,
            end: 4.2,
            text: 'jumps over the lazy dog.',
            tokens: [],
            temperature: 0,
            avg_logprob: 0,
            compression_ratio: 0,
            no_speech_prob: 0,
          },
        ],
        usage: { type: 'duration', seconds: 5 },
      },
    });
  });

  it('names the language from the request when the result has none, and seeks by 30 s window', () => {
    const body = renderTranscription(
      'verbose_json',
      result({ language: undefined, segments: [{ start: 65, end: 70, text: 'Olá' }] }),
      'translate',
      'pt-BR',
    ).body;
    expect(body).toMatchObject({ task: 'translate', language: 'portuguese', segments: [{ id: 0, seek: 6000, start: 65, end: 70 }] });
    expect(renderTranscription('verbose_json', bare, 'transcribe').body).toMatchObject({ segments: [{ id: 0, start: 0, end: 4.2 }] });
    expect(renderTranscription('verbose_json', result({ language: 'x-klingon' }), 'transcribe').body).toMatchObject({ language: 'x-klingon' });
  });

  it('answers words and/or segments as timestamp_granularities ask', () => {
    const words = [
      { word: 'The', start: 0, end: 0.3 },
      { word: 'quick', start: 0.3, end: 0.7 },
    ];
    const both = renderTranscription('verbose_json', result({ words }), 'transcribe', undefined, ['word', 'segment']).body;
    expect(both).toMatchObject({ words, segments: [{ id: 0 }, { id: 1 }] });
    const wordsOnly = renderTranscription('verbose_json', result({ words }), 'transcribe', undefined, ['word']).body;
    expect(wordsOnly).toMatchObject({ words });
    expect(wordsOnly).not.toHaveProperty('segments');
    // Asked for words, a result without any (silence) answers an empty list; not asked, none.
    expect(renderTranscription('verbose_json', result(), 'transcribe', undefined, ['word']).body).toMatchObject({ words: [] });
    expect(renderTranscription('verbose_json', result({ words }), 'transcribe').body).not.toHaveProperty('words');
  });
});
