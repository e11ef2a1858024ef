import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pcmToWav } from '@voxq/wav';
import { pcmTone } from './audio';
import { startSimulator, type Simulator } from './simulator-server';

const audio = pcmToWav(pcmTone(1.5, 16_000), { sampleRate: 16_000 });

describe('simulated STT vendors', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  describe('openai /audio/transcriptions', () => {
    const form = (
      fields: Record<string, string>,
      file: { data: Buffer; name: string; type: string } | null = { data: audio, name: 'audio.wav', type: 'audio/wav' },
    ) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.set(name, value);
      if (file) body.set('file', new Blob([file.data], { type: file.type }), file.name);
      return body;
    };
    const transcribe = (body: FormData, base = sim.baseUrlFor('openai'), key = 'sk-test') =>
      fetch(`${base}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });

    it('answers verbose_json with the language named, the WAV length and timed segments', async () => {
      const res = await transcribe(form({ model: 'whisper-1', language: 'de', response_format: 'verbose_json' }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        task: 'transcribe',
        language: 'german',
        duration: 1.5,
        text: `Simulated transcript of ${audio.length} bytes of audio/wav by whisper-1`,
        segments: [
          expect.objectContaining({
            id: 0,
            start: 0,
            end: 0.5,
            text: ' Simulated transcript of',
            avg_logprob: Math.log(0.93),
            no_speech_prob: expect.any(Number),
          }),
          expect.objectContaining({ id: 1, start: 0.5, end: 1, text: ` ${audio.length} bytes of` }),
          expect.objectContaining({ id: 2, start: 1, end: 1.5, text: ' audio/wav by whisper-1', tokens: [], temperature: 0 }),
        ],
        usage: { type: 'duration', seconds: 2 },
      });
      expect(sim.requests('openai')[0]).toMatchObject({
        path: '/openai/v1/audio/transcriptions',
        headers: { authorization: 'Bearer ***', 'content-type': expect.stringMatching(/^multipart\/form-data; boundary=/) },
      });
    });

    it('answers {text} by default and plain text when asked, for Groq and unprefixed too', async () => {
      const groq = await transcribe(form({ model: 'whisper-large-v3-turbo' }), sim.baseUrlFor('groq'));
      expect(await groq.json()).toEqual({ text: expect.stringMatching(/ by whisper-large-v3-turbo$/), usage: { type: 'duration', seconds: 2 } });
      const text = await transcribe(form({ model: 'whisper-1', response_format: 'text' }), sim.baseUrl);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await text.text()).toBe(`Simulated transcript of ${audio.length} bytes of audio/wav by whisper-1\n`);
      expect(sim.requests().map((r) => `${r.provider} ${r.path}`)).toEqual(['groq /groq/openai/v1/audio/transcriptions', 'openai /v1/audio/transcriptions']);
    });

    it("says 'english' when no language is given, and times non-WAV audio at 32,000 bytes a second", async () => {
      const res = await transcribe(
        form({ model: 'whisper-1', response_format: 'verbose_json' }, { data: Buffer.alloc(48_000, 1), name: 'a.mp3', type: 'audio/mpeg' }),
      );
      expect(await res.json()).toMatchObject({ language: 'english', duration: 1.5 });
    });

    it.each([
      ['no file', form({ model: 'whisper-1' }, null), 'file', "Missing required parameter: 'file'."],
      ['no model', form({}), 'model', "Missing required parameter: 'model'."],
      [
        'an unknown extension',
        form({ model: 'whisper-1' }, { data: audio, name: 'audio.xyz', type: 'audio/wav' }),
        'file',
        expect.stringMatching(/^Invalid file format/),
      ],
      [
        'a WAV that is not one',
        form({ model: 'whisper-1' }, { data: Buffer.from('nope'), name: 'a.wav', type: 'audio/wav' }),
        'file',
        'Audio file might be corrupted or unsupported',
      ],
      ['a language name', form({ model: 'whisper-1', language: 'english' }), 'language', expect.stringMatching(/ISO-639-1/)],
    ])('refuses %s with a 400 in OpenAI’s envelope', async (_, body, param, message) => {
      const res = await transcribe(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { message, type: 'invalid_request_error', param, code: null } });
    });

    it('takes a prompt and records the form fields it was sent, the file by its size', async () => {
      const res = await transcribe(form({ model: 'whisper-1', prompt: 'Acme, Dr. Chen' }));
      expect(res.status).toBe(200);
      expect(sim.requests('openai')[0]?.form).toEqual({ model: 'whisper-1', prompt: 'Acme, Dr. Chen', file: `<${audio.length} bytes of audio/wav>` });
    });

    it('refuses a body that is not multipart, and an anonymous caller', async () => {
      const json = await fetch(`${sim.baseUrlFor('openai')}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
        body: '{"model":"whisper-1"}',
      });
      expect(json.status).toBe(400);
      const anonymous = await fetch(`${sim.baseUrlFor('openai')}/audio/transcriptions`, { method: 'POST', body: form({ model: 'whisper-1' }) });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('deepgram /v1/listen', () => {
    const listen = (body: Buffer, query = 'model=nova-2&language=en-US', headers: Record<string, string> = { authorization: 'Token dg-test' }) =>
      fetch(`${sim.baseUrlFor('deepgram')}/v1/listen?${query}`, { method: 'POST', headers: { 'content-type': 'audio/wav', ...headers }, body });

    it("answers in Deepgram's shape, with the WAV length, and records the audio and query", async () => {
      const res = await listen(audio);
      expect(res.status).toBe(200);
      const text = `Simulated transcript of ${audio.length} bytes of audio/wav by nova-2`;
      const body = (await res.json()) as { results: { channels: Array<{ alternatives: Array<{ words: unknown[] }> }> } };
      expect(body).toMatchObject({
        metadata: { request_id: expect.any(String), duration: 1.5, channels: 1, models: [expect.any(String)] },
        results: { channels: [{ alternatives: [{ transcript: text, confidence: 0.93 }] }] },
      });
      const words = body.results.channels[0]?.alternatives[0]?.words;
      expect(words).toHaveLength(text.split(' ').length);
      expect(words?.at(-1)).toMatchObject({ word: 'nova-2', punctuated_word: 'nova-2', end: 1.5, confidence: 0.93 });
      expect(body).not.toHaveProperty('results.utterances');
      expect(sim.requests('deepgram')[0]).toMatchObject({
        path: '/deepgram/v1/listen',
        query: { model: 'nova-2', language: 'en-US' },
        headers: { authorization: 'Token ***', 'content-type': 'audio/wav' },
        body: `<${audio.length} bytes of audio/wav>`,
      });
    });

    it('splits the transcript into utterances when asked, in channel order with their words', async () => {
      const res = await listen(audio, 'model=nova-2&utterances=true');
      const body = (await res.json()) as {
        results: { utterances: Array<{ start: number; end: number; transcript: string; channel: number; words: unknown[] }> };
      };
      expect(body.results.utterances).toEqual([
        expect.objectContaining({
          start: 0,
          end: expect.closeTo(0.5),
          transcript: 'Simulated transcript of',
          channel: 0,
          confidence: 0.93,
          id: expect.any(String),
        }),
        expect.objectContaining({ start: expect.closeTo(0.5), end: expect.closeTo(1), transcript: `${audio.length} bytes of`, channel: 0 }),
        expect.objectContaining({ start: expect.closeTo(1), end: 1.5, transcript: 'audio/wav by nova-2', channel: 0 }),
      ]);
      expect(body.results.utterances[2]?.words).toEqual([
        expect.objectContaining({ word: 'audio/wav', punctuated_word: 'audio/wav', start: expect.closeTo(1) }),
        expect.objectContaining({ word: 'by' }),
        expect.objectContaining({ word: 'nova-2', end: 1.5 }),
      ]);
    });

    it('takes keywords on nova-2 and keyterm on nova-3, recording every value of each', async () => {
      expect((await listen(audio, 'model=nova-2&keywords=Acme&keywords=Dr.+Chen')).status).toBe(200);
      expect((await listen(audio, 'model=nova-3&keyterm=Acme&keyterm=Dr.+Chen')).status).toBe(200);
      expect(sim.requests('deepgram').map((r) => r.query)).toEqual([
        { model: 'nova-2', keywords: ['Acme', 'Dr. Chen'] },
        { model: 'nova-3', keyterm: ['Acme', 'Dr. Chen'] },
      ]);
    });

    it.each([
      ['keywords on nova-3', 'model=nova-3&keywords=Acme'],
      ['keyterm on nova-2', 'model=nova-2&keyterm=Acme'],
    ])('refuses %s with a 400, as Deepgram does', async (_, query) => {
      const res = await listen(audio, query);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ err_code: 'Bad Request', err_msg: expect.stringMatching(/^Bad Request: /) });
    });

    it('reports a detected language only when asked to detect one', async () => {
      const res = await listen(audio, 'model=nova-2&detect_language=true');
      expect(await res.json()).toMatchObject({ results: { channels: [{ detected_language: 'en' }] } });
    });

    it.each([
      ['no key', {}, 'INVALID_AUTH'],
      ['a bearer key', { authorization: 'Bearer dg-test' }, 'INVALID_AUTH'],
      ['the revoked key', { authorization: 'Token sk-sim-invalid' }, 'INVALID_AUTH'],
    ])('refuses %s with a 401', async (_, headers, code) => {
      const res = await listen(audio, 'model=nova-2', headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ err_code: code, err_msg: expect.any(String), request_id: expect.any(String) });
    });

    it('refuses an empty body and a WAV that is not one with a 400', async () => {
      for (const body of [Buffer.alloc(0), Buffer.from('not a wav at all')]) {
        const res = await listen(body);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ err_code: 'Bad Request', err_msg: expect.stringMatching(/^Bad Request: /) });
      }
    });

    it("words faults in Deepgram's envelope, with Retry-After on a 429", async () => {
      sim.enqueueFaults([{ status: 429, retryAfterSeconds: 2 }, { status: 503 }], 'deepgram');
      const limited = await listen(audio);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(await limited.json()).toMatchObject({ err_code: 'TOO_MANY_REQUESTS', err_msg: 'Simulated HTTP 429.' });
      const down = await listen(audio);
      expect(await down.json()).toMatchObject({ err_code: 'INTERNAL_SERVER_ERROR' });
    });
  });
});
