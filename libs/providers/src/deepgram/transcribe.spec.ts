import { describe, expect, it } from 'vitest';
import type { SttRequest } from '../provider';
import { deepgramLanguage, fromListenResponse, toListenQuery } from './transcribe.mapper';
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
  it('asks for the model and language with smart formatting', () => {
    expect(Object.fromEntries(toListenQuery(request(), 'nova-2'))).toEqual({
      model: 'nova-2',
      language: 'en-US',
      smart_format: 'true',
      punctuate: 'true',
    });
  });

  it('describes headerless PCM', () => {
    expect(Object.fromEntries(toListenQuery(request({ contentType: 'audio/pcm;rate=8000;channels=2' }), 'nova-2-phonecall'))).toMatchObject({
      encoding: 'linear16',
      sample_rate: '8000',
      channels: '2',
    });
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
    });
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
