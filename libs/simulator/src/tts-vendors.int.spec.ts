import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator-server';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('simulated TTS vendors', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  describe('openai /audio/speech', () => {
    const speech = (body: unknown, key = 'sk-test', base = sim.baseUrlFor('openai')) => post(`${base}/audio/speech`, body, { authorization: `Bearer ${key}` });
    const hello = { model: 'tts-1', input: 'Hello there', voice: 'alloy', response_format: 'wav' };

    it('answers a WAV at 24 kHz whose length follows the input and speed, mounted and unprefixed', async () => {
      const res = await speech(hello);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      const audio = Buffer.from(await res.arrayBuffer());
      expect(audio.readUInt32LE(24)).toBe(24_000);
      expect(audio.length).toBe(44 + Math.round(0.66 * 24_000) * 2);

      const unprefixed = await speech({ ...hello, speed: 2 }, 'sk-test', sim.baseUrl);
      expect(unprefixed.status).toBe(200);
      expect((await unprefixed.arrayBuffer()).byteLength).toBe(44 + Math.round(0.33 * 24_000) * 2);
      expect(sim.requests().map((r) => r.path)).toEqual(['/openai/v1/audio/speech', '/v1/audio/speech']);
    });

    it('answers MP3 by default and raw PCM when asked', async () => {
      const mp3 = await speech({ model: 'tts-1', input: 'Hi', voice: 'alloy' });
      expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
      expect(Buffer.from(await mp3.arrayBuffer()).readUInt16BE(0)).toBe(0xfffb);
      const pcm = await speech({ ...hello, response_format: 'pcm' });
      expect(pcm.headers.get('content-type')).toBe('audio/pcm');
    });

    it('refuses empty input, an out-of-range speed and a missing or revoked key', async () => {
      const empty = await speech({ ...hello, input: '' });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'input' } });
      expect((await speech({ ...hello, speed: 5 })).status).toBe(400);
      const anonymous = await post(`${sim.baseUrlFor('openai')}/audio/speech`, hello);
      expect(anonymous.status).toBe(401);
      expect(await (await speech(hello, 'sk-sim-invalid')).json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    });
  });

  describe('elevenlabs /v1/text-to-speech/{voice_id}', () => {
    const tts = (body: unknown, headers: Record<string, string> = { 'xi-api-key': 'xi-test' }, query = '?output_format=mp3_44100_128') =>
      post(`${sim.baseUrlFor('elevenlabs')}/v1/text-to-speech/voice-1${query}`, body, headers);

    it('answers MP3 frames whose length grows with the text', async () => {
      const short = await tts({ text: 'Hi there', model_id: 'eleven_multilingual_v2' });
      expect(short.status).toBe(200);
      expect(short.headers.get('content-type')).toBe('audio/mpeg');
      const long = await tts({ text: 'Hi there, this is a much longer sentence.', model_id: 'eleven_multilingual_v2' });
      expect((await long.arrayBuffer()).byteLength).toBeGreaterThan((await short.arrayBuffer()).byteLength * 3);
      expect(sim.requests('elevenlabs')[0]).toMatchObject({
        path: '/elevenlabs/v1/text-to-speech/voice-1',
        query: { output_format: 'mp3_44100_128' },
        headers: { 'xi-api-key': '***' },
      });
    });

    it('refuses empty text and a speed out of range with FastAPI-style 422s', async () => {
      const empty = await tts({ text: ' ' });
      expect(empty.status).toBe(422);
      expect(await empty.json()).toMatchObject({ detail: [{ loc: ['body', 'text'], msg: expect.any(String) }] });
      expect((await tts({ text: 'Hi', voice_settings: { speed: 2 } })).status).toBe(422);
    });

    it('words key problems and faults in its { detail: { status, message } } envelope', async () => {
      const anonymous = await tts({ text: 'Hi' }, {});
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ detail: { status: 'needs_authorization' } });
      expect(await (await tts({ text: 'Hi' }, { 'xi-api-key': 'sk-sim-invalid' })).json()).toEqual({
        detail: { status: 'invalid_api_key', message: 'Invalid API key' },
      });
      sim.enqueueFaults([{ status: 429, retryAfterSeconds: 3 }], 'elevenlabs');
      const limited = await tts({ text: 'Hi' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(await limited.json()).toMatchObject({ detail: { status: 'too_many_concurrent_requests' } });
    });
  });

  describe('cartesia /tts/bytes', () => {
    const headers = { 'x-api-key': 'sk-car-test', 'cartesia-version': '2024-11-13' };
    const body = {
      model_id: 'sonic-2',
      transcript: 'Hello there',
      voice: { mode: 'id', id: 'voice-1' },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
      language: 'en',
    };
    const tts = (payload: unknown, h: Record<string, string> = headers) => post(`${sim.baseUrlFor('cartesia')}/tts/bytes`, payload, h);

    it('answers raw 16-bit PCM of 60 ms a character as application/octet-stream', async () => {
      const res = await tts(body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect((await res.arrayBuffer()).byteLength).toBe(Math.round(0.66 * 24_000) * 2);
      const fast = await tts({ ...body, speed: 'fast' });
      expect((await fast.arrayBuffer()).byteLength).toBe(Math.round((0.66 / 1.25) * 24_000) * 2);
    });

    it('answers WAV and MP3 containers too', async () => {
      const wav = await tts({ ...body, output_format: { container: 'wav', encoding: 'pcm_f32le', sample_rate: 44100 } });
      expect(wav.headers.get('content-type')).toBe('audio/wav');
      const mp3 = await tts({ ...body, output_format: { container: 'mp3', sample_rate: 44100, bit_rate: 128000 } });
      expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    });

    it('requires a key and the Cartesia-Version header, and refuses an empty transcript', async () => {
      const anonymous = await tts(body, { 'cartesia-version': '2024-11-13' });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error_code: 'missing_api_key', title: 'Unauthorized', request_id: expect.any(String) });
      expect((await tts(body, { ...headers, 'x-api-key': 'sk-sim-invalid' })).status).toBe(401);
      const unversioned = await tts(body, { 'x-api-key': 'k' });
      expect(unversioned.status).toBe(400);
      expect(await unversioned.json()).toMatchObject({ error_code: 'invalid_version' });
      const empty = await tts({ ...body, transcript: '' });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ message: expect.stringContaining('transcript') });
    });

    it('answers a 429 fault with concurrency_limited and Retry-After', async () => {
      sim.enqueueFaults([{ status: 429, retryAfterSeconds: 2 }], 'cartesia');
      const res = await tts(body);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toMatchObject({ error_code: 'concurrency_limited', title: 'Too many concurrent requests' });
      expect(sim.requests('cartesia')[0]?.headers).toMatchObject({ 'x-api-key': '***', 'cartesia-version': '2024-11-13' });
    });
  });
});
