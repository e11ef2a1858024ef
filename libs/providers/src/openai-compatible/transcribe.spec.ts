import { describe, expect, it } from 'vitest';
import type { SttRequest } from '../provider';
import { readWav, sinePcm, sineWav } from '@voxq/wav';
import {
  confidenceFromSegments,
  fromWireTranscription,
  MAX_WHISPER_PROMPT_CHARS,
  segmentsFromWire,
  toTranscriptionForm,
  whisperPrompt,
} from './transcribe.mapper';
import { wireTranscriptionSchema } from './transcribe.wire.schema';
import { WHISPER_LANGUAGES, whisperLanguageCode } from './whisper-languages';

const wav = sineWav({ seconds: 0.5 });
const request = (overrides: Partial<SttRequest> = {}): SttRequest => ({ audio: wav, contentType: 'audio/wav', language: 'en-US', ...overrides });

describe('toTranscriptionForm', () => {
  it('names the file by its format and asks for verbose_json in the ISO-639-1 language', () => {
    expect(toTranscriptionForm(request({ language: 'pt-BR' }), 'whisper-1')).toEqual({
      fields: { model: 'whisper-1', response_format: 'verbose_json', language: 'pt' },
      file: { field: 'file', filename: 'audio.wav', contentType: 'audio/wav', data: wav },
    });
  });

  it('lets Whisper detect a language without an ISO-639-1 code', () => {
    expect(toTranscriptionForm(request({ language: 'yue-HK' }), 'm')?.fields).not.toHaveProperty('language');
  });

  it.each([
    ['audio/mpeg', 'audio.mp3'],
    ['audio/webm;codecs=opus', 'audio.webm'],
    ['audio/x-m4a', 'audio.m4a'],
  ])('names %s uploads %s', (contentType, filename) => {
    expect(toTranscriptionForm(request({ contentType, audio: Buffer.alloc(16) }), 'm')?.file.filename).toBe(filename);
  });

  it('recognises an octet-stream upload by its bytes', () => {
    expect(toTranscriptionForm(request({ contentType: 'application/octet-stream' }), 'm')?.file).toMatchObject({
      filename: 'audio.wav',
      contentType: 'application/octet-stream',
    });
  });

  it('wraps raw PCM, which Whisper does not take, in a WAV header', () => {
    const pcm = sinePcm({ seconds: 0.25, sampleRate: 24_000 });
    const file = toTranscriptionForm(request({ audio: pcm, contentType: 'audio/pcm;rate=24000' }), 'm')?.file;
    expect(file).toMatchObject({ filename: 'audio.wav', contentType: 'audio/wav' });
    expect(readWav(file?.data ?? Buffer.alloc(0))).toMatchObject({ sampleRate: 24_000, dataBytes: pcm.length });
  });

  it('gives up on audio it cannot name', () => {
    expect(toTranscriptionForm(request({ contentType: 'audio/aac', audio: Buffer.alloc(16) }), 'm')).toBeNull();
  });
});

describe('keywords as the prompt', () => {
  it('sends them comma-joined as the prompt, casing kept, for transcriptions and translations', () => {
    const keywords = ['Acme', 'Dr. Chen', 'iPhone'];
    expect(toTranscriptionForm(request({ keywords }), 'whisper-1')?.fields).toMatchObject({ prompt: 'Acme, Dr. Chen, iPhone' });
    expect(toTranscriptionForm(request({ keywords }), 'whisper-1', 'translate')?.fields).toMatchObject({ prompt: 'Acme, Dr. Chen, iPhone' });
  });

  it('sends no prompt without keywords', () => {
    expect(toTranscriptionForm(request(), 'whisper-1')?.fields).not.toHaveProperty('prompt');
  });

  it('keeps whole keywords while they fit under the cap, leaving the rest out', () => {
    const keywords = Array.from({ length: 100 }, (_, i) => `Keyword${i}`.padEnd(20, 'x'));
    const prompt = whisperPrompt(keywords)!;
    expect(prompt.length).toBeLessThanOrEqual(MAX_WHISPER_PROMPT_CHARS);
    const sent = prompt.split(', ');
    expect(sent).toEqual(keywords.slice(0, sent.length));
    // Another keyword would not have fitted.
    expect(`${prompt}, ${keywords[sent.length]}`.length).toBeGreaterThan(MAX_WHISPER_PROMPT_CHARS);
  });

  it('fits exactly at the cap, and sends nothing when even the first keyword cannot fit', () => {
    const half = 'a'.repeat((MAX_WHISPER_PROMPT_CHARS - 2) / 2);
    expect(whisperPrompt([half, half, 'more'])).toBe(`${half}, ${half}`);
    expect(whisperPrompt(['a'.repeat(MAX_WHISPER_PROMPT_CHARS + 1)])).toBeUndefined();
  });
});

describe('confidenceFromSegments', () => {
  it('is the exponential of the length-weighted mean log-probability', () => {
    const segments = [
      { start: 0, end: 3, avg_logprob: Math.log(0.9) },
      { start: 3, end: 4, avg_logprob: Math.log(0.5) },
    ];
    expect(confidenceFromSegments(segments)).toBeCloseTo(Math.exp((3 * Math.log(0.9) + Math.log(0.5)) / 4), 4);
  });

  it('is undefined without log-probabilities, and never above 1', () => {
    expect(confidenceFromSegments(undefined)).toBeUndefined();
    expect(confidenceFromSegments([{ start: 0, end: 1 }])).toBeUndefined();
    expect(confidenceFromSegments([{ avg_logprob: 0.2 }])).toBe(1);
  });
});

describe('segmentsFromWire', () => {
  it('keeps each segment’s timing and trims its text', () => {
    const segments = [
      { id: 0, start: 0, end: 2.5, text: ' The quick brown fox', avg_logprob: -0.2 },
      { id: 1, start: 2.5, end: 4.04, text: ' jumps over the lazy dog.', avg_logprob: -0.3 },
    ];
    expect(segmentsFromWire(segments)).toEqual([
      { start: 0, end: 2.5, text: 'The quick brown fox' },
      { start: 2.5, end: 4.04, text: 'jumps over the lazy dog.' },
    ]);
  });

  it('is undefined without segments, or when any segment lacks its timing or text', () => {
    expect(segmentsFromWire(undefined)).toBeUndefined();
    expect(segmentsFromWire([])).toBeUndefined();
    expect(
      segmentsFromWire([
        { start: 0, end: 1, text: 'a' },
        { start: 1, text: 'b' },
      ]),
    ).toBeUndefined();
    expect(segmentsFromWire([{ start: 0, end: 1, avg_logprob: -0.1 }])).toBeUndefined();
  });

  it('never reports a negative start or an end before the start', () => {
    expect(segmentsFromWire([{ start: -0.02, end: -0.05, text: 'x' }])).toEqual([{ start: 0, end: 0, text: 'x' }]);
  });
});

describe('fromWireTranscription', () => {
  const parse = (body: unknown) => wireTranscriptionSchema.parse(body);

  it('maps text, the language name, duration, confidence and the timed segments', () => {
    const response = parse({
      task: 'transcribe',
      language: 'english',
      duration: 8.47,
      text: ' The quick brown fox. ',
      segments: [{ id: 0, start: 0, end: 8.47, text: ' The quick brown fox.', avg_logprob: -0.1, no_speech_prob: 0.01 }],
      usage: { type: 'duration', seconds: 9 },
    });
    expect(fromWireTranscription(response, request(), 'whisper-1')).toEqual({
      text: 'The quick brown fox.',
      model: 'whisper-1',
      language: 'en',
      durationSeconds: 8.47,
      confidence: Math.round(Math.exp(-0.1) * 10_000) / 10_000,
      segments: [{ start: 0, end: 8.47, text: 'The quick brown fox.' }],
    });
  });

  it("reads Groq's capitalised names and compatible servers' codes", () => {
    expect(fromWireTranscription(parse({ text: 'x', language: 'Portuguese' }), request(), 'm').language).toBe('pt');
    expect(fromWireTranscription(parse({ text: 'x', language: 'de' }), request(), 'm').language).toBe('de');
  });

  it('falls back to the requested language and the WAV header, and leaves confidence out', () => {
    const response = fromWireTranscription(parse({ text: 'bare json' }), request({ language: 'es-MX' }), 'm');
    expect(response).toEqual({ text: 'bare json', model: 'm', language: 'es', durationSeconds: 0.5 });
    expect(fromWireTranscription(parse({ text: '' }), request({ contentType: 'audio/mpeg', audio: Buffer.alloc(9) }), 'm').durationSeconds).toBe(0);
  });

  it('rejects a body without text', () => {
    expect(wireTranscriptionSchema.safeParse({ language: 'english', duration: 1 }).success).toBe(false);
  });
});

describe('whisperLanguageCode', () => {
  it('maps names and codes, and nothing else', () => {
    expect(whisperLanguageCode('haitian creole')).toBe('ht');
    expect(whisperLanguageCode(' Chinese ')).toBe('zh');
    expect(whisperLanguageCode('toString')).toBeUndefined();
    expect(whisperLanguageCode('klingon')).toBeUndefined();
  });

  it('lists two-letter subtags only', () => {
    expect(WHISPER_LANGUAGES.every((code) => /^[a-z]{2}$/.test(code))).toBe(true);
    expect(WHISPER_LANGUAGES).toContain('en');
  });
});
