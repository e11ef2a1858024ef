import { describe, expect, it } from 'vitest';
import type { SttRequest } from '../provider';
import { deepgramLanguage, fromListenResponse, keywordParam, segmentsFromWords, toListenQuery } from './transcribe.mapper';
import { listenResponseSchema } from './wire.schema';

const request = (overrides: Partial<SttRequest> = {}): SttRequest => ({ audio: Buffer.alloc(4), contentType: 'audio/wav', language: 'en-US', ...overrides });

describe('deepgramLanguage', () => {
  it.each([
    ['en-US', 'en-US'],
    ['en-gb', 'en-GB'],
    ['pt-BR', 'pt-BR'],
    ['en-ZA', 'en'],
    ['fr', 'fr'],
    ['DE-AT', 'de'],
  ])('sends %s as %s', (tag, sent) => {
    expect(deepgramLanguage(tag)).toBe(sent);
  });
});

describe('toListenQuery', () => {
  it('asks for the model and language with smart formatting and utterances', () => {
    expect(Object.fromEntries(toListenQuery(request(), 'nova-2'))).toEqual({
      model: 'nova-2',
      language: 'en-US',
      smart_format: 'true',
      punctuate: 'true',
      utterances: 'true',
    });
  });

  it('sends each keyword as its own keywords parameter to nova-2, casing kept', () => {
    const query = toListenQuery(request({ keywords: ['Acme', 'Dr. Chen'] }), 'nova-2');
    expect(query.getAll('keywords')).toEqual(['Acme', 'Dr. Chen']);
    expect(query.has('keyterm')).toBe(false);
    expect(query.toString()).toContain('keywords=Acme&keywords=Dr.+Chen');
  });

  it('sends them as keyterm to nova-3, which refuses keywords', () => {
    const query = toListenQuery(request({ keywords: ['Acme', 'Dr. Chen'] }), 'nova-3-medical');
    expect(query.getAll('keyterm')).toEqual(['Acme', 'Dr. Chen']);
    expect(query.has('keywords')).toBe(false);
  });

  it('sends neither without keywords', () => {
    const query = toListenQuery(request(), 'nova-3');
    expect(query.has('keyterm') || query.has('keywords')).toBe(false);
  });

  it('describes headerless PCM', () => {
    expect(Object.fromEntries(toListenQuery(request({ contentType: 'audio/pcm;rate=8000;channels=2' }), 'nova-2-phonecall'))).toMatchObject({
      encoding: 'linear16',
      sample_rate: '8000',
      channels: '2',
    });
  });
});

describe('keywordParam', () => {
  it.each([
    ['nova-3', 'keyterm'],
    ['nova-3-medical', 'keyterm'],
    ['nova-2', 'keywords'],
    ['nova-2-phonecall', 'keywords'],
    ['enhanced', 'keywords'],
    ['nova-30', 'keywords'],
  ])('biases %s with %s', (model, param) => {
    expect(keywordParam(model)).toBe(param);
  });
});

describe('fromListenResponse', () => {
  const body = (channel: Record<string, unknown>) => ({
    metadata: { transaction_key: 'deprecated', request_id: 'r-1', created: '2025-01-01T00:00:00Z', duration: 3.25, channels: 1, models: ['m-1'] },
    results: { channels: [channel] },
  });

  it('takes the best alternative of the first channel', () => {
    const response = listenResponseSchema.parse(
      body({
        alternatives: [
          { transcript: 'Hello, world. ', confidence: 0.98, words: [{ word: 'hello', start: 0, end: 0.4, confidence: 0.99 }] },
          { transcript: 'Hollow world', confidence: 0.4 },
        ],
      }),
    );
    expect(fromListenResponse(response, 'en-US', 'nova-2')).toEqual({
      text: 'Hello, world.',
      model: 'nova-2',
      language: 'en-US',
      confidence: 0.98,
      durationSeconds: 3.25,
      segments: [{ start: 0, end: 0.4, text: 'hello' }],
      words: [{ word: 'hello', start: 0, end: 0.4 }],
    });
  });

  it('times each word as written (punctuated_word) when Deepgram punctuates', () => {
    const words = [
      { word: 'hello', punctuated_word: 'Hello,', start: 0.1, end: 0.4, confidence: 0.99 },
      { word: 'world', punctuated_word: 'world.', start: 0.5, end: 0.9, confidence: 0.99 },
    ];
    const response = listenResponseSchema.parse(body({ alternatives: [{ transcript: 'Hello, world.', confidence: 0.98, words }] }));
    expect(fromListenResponse(response, 'en', 'nova-2').words).toEqual([
      { word: 'Hello,', start: 0.1, end: 0.4 },
      { word: 'world.', start: 0.5, end: 0.9 },
    ]);
  });

  it("times segments by channel 0's utterances when Deepgram sends them", () => {
    const response = listenResponseSchema.parse({
      ...body({ alternatives: [{ transcript: 'Hello there. General Kenobi.', confidence: 0.9, words: [] }] }),
    });
    response.results.utterances = [
      { start: 0.08, end: 0.9, transcript: 'Hello there.', channel: 0 },
      { start: 0.1, end: 0.5, transcript: 'Other channel.', channel: 1 },
      { start: 1.8, end: 3.1, transcript: ' General Kenobi. ', channel: 0 },
    ];
    expect(fromListenResponse(response, 'en', 'nova-2').segments).toEqual([
      { start: 0.08, end: 0.9, text: 'Hello there.' },
      { start: 1.8, end: 3.1, text: 'General Kenobi.' },
    ]);
  });

  it('leaves segments out when Deepgram timed nothing', () => {
    const response = listenResponseSchema.parse(body({ alternatives: [{ transcript: '', confidence: 0 }] }));
    expect(fromListenResponse(response, 'en', 'nova-2')).not.toHaveProperty('segments');
  });

  it('prefers the detected language when Deepgram reports one', () => {
    const response = listenResponseSchema.parse(body({ alternatives: [{ transcript: 'Hola', confidence: 0.9 }], detected_language: 'es' }));
    expect(fromListenResponse(response, 'en', 'nova-2').language).toBe('es');
  });

  it('rejects an answer without a channel or an alternative', () => {
    expect(listenResponseSchema.safeParse({ ...body({ alternatives: [] }) }).success).toBe(false);
    expect(listenResponseSchema.safeParse({ metadata: body({}).metadata, results: { channels: [] } }).success).toBe(false);
  });
});

describe('segmentsFromWords', () => {
  const word = (punctuated: string, start: number, end: number) => ({
    word: punctuated.toLowerCase().replace(/[^a-z]/g, ''),
    start,
    end,
    punctuated_word: punctuated,
  });

  it('starts a segment after a sentence ends or after a pause of 0.8 s', () => {
    const words = [
      word('Hello', 0, 0.3),
      word('there.', 0.35, 0.7),
      word('How', 0.75, 0.9),
      word('are', 0.95, 1.1),
      word('you', 2, 2.2),
      word('today?', 2.25, 2.6),
    ];
    expect(segmentsFromWords(words)).toEqual([
      { start: 0, end: 0.7, text: 'Hello there.' },
      { start: 0.75, end: 1.1, text: 'How are' },
      { start: 2, end: 2.6, text: 'you today?' },
    ]);
  });

  it('falls back to the bare word without punctuation', () => {
    expect(segmentsFromWords([{ word: 'hi', start: 0, end: 0.2 }])).toEqual([{ start: 0, end: 0.2, text: 'hi' }]);
    expect(segmentsFromWords([])).toEqual([]);
  });
});
