import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Fault, type Simulator } from '@voxq/simulator';
import type { CallContext, TtsProvider, TtsRequest } from '../provider';
import { createCartesiaTts } from './synthesize';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });
const hello: TtsRequest = { text: 'Hello from voxq.', language: 'en-US', speed: 1, voice: null };
const VOICE = '694f9389-aac1-45b6-b726-9d9369183238';

describe('Cartesia TTS against the simulator', () => {
  let simulator: Simulator;
  let tts: TtsProvider;
  const create = (apiKey = 'sk-car-123') =>
    createCartesiaTts({ baseUrl: simulator.baseUrlFor('cartesia'), apiKey, version: '2024-11-13', defaultModel: 'sonic-2', defaultVoice: VOICE });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    tts = create();
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented /tts/bytes request and labels the raw PCM with its rate and duration', async () => {
    const result = await tts.synthesize(hello, ctx());

    // The simulator answers application/octet-stream, as a raw body has no audio type.
    expect(result).toMatchObject({ contentType: 'audio/pcm;rate=24000', model: 'sonic-2' });
    expect(result.durationSeconds).toBe(result.audio.length / 48_000);
    expect(result.durationSeconds).toBeCloseTo(0.96);
    const [received] = simulator.requests('cartesia');
    expect(received).toMatchObject({ method: 'POST', path: '/cartesia/tts/bytes' });
    expect(received?.headers).toMatchObject({ 'x-api-key': '***', 'cartesia-version': '2024-11-13', 'content-type': 'application/json' });
    expect(received?.body).toEqual({
      model_id: 'sonic-2',
      transcript: 'Hello from voxq.',
      voice: { mode: 'id', id: VOICE },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24_000 },
      language: 'en',
    });
  });

  it('sends the request voice, model and a speed step, at the configured sample rate', async () => {
    const narrowband = createCartesiaTts({
      baseUrl: simulator.baseUrlFor('cartesia'),
      apiKey: 'k',
      version: '2024-11-13',
      defaultModel: 'sonic-2',
      defaultVoice: VOICE,
      sampleRate: 8_000,
    });
    const result = await narrowband.synthesize({ ...hello, voice: 'v-2', model: 'sonic-turbo', speed: 0.5 }, ctx());
    expect(result.contentType).toBe('audio/pcm;rate=8000');
    expect(result.durationSeconds).toBeCloseTo(0.96 / 0.8);
    expect(simulator.requests('cartesia')[0]?.body).toMatchObject({
      model_id: 'sonic-turbo',
      voice: { mode: 'id', id: 'v-2' },
      output_format: { sample_rate: 8_000 },
      speed: 'slow',
    });
  });

  it('reports an empty transcript, refused upstream, as rejected input', async () => {
    await expect(tts.synthesize({ ...hello, text: '' }, ctx())).rejects.toMatchObject({ code: 'provider_rejected_input', failover: false });
  });

  it.each<[Fault, Record<string, unknown>]>([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2, message: 'Over your concurrency limit.' },
      { code: 'provider_unavailable', retryAfterSeconds: 2, message: 'cartesia: HTTP 429: concurrency_limited: Over your concurrency limit.' },
    ],
    [{ status: 401 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 403 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 400 }, { code: 'provider_rejected_input', failover: false }],
    [{ malformed: true }, { code: 'provider_unavailable', message: 'cartesia: malformed response: expected audio, got application/json' }],
    [{ reset: true }, { code: 'provider_unavailable', failover: true }],
    [{ cut: true }, { code: 'provider_unavailable', failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'cartesia');
    await expect(tts.synthesize(hello, ctx())).rejects.toMatchObject(expected);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    await expect(create('sk-sim-invalid').synthesize(hello, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      message: 'cartesia: HTTP 401: invalid_api_key: Invalid API key.',
    });
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }], 'cartesia');
    const started = Date.now();
    await expect(tts.synthesize(hello, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('asks Cartesia for the MP3 and WAV containers when the job wants them', async () => {
    const mp3 = await tts.synthesize({ ...hello, format: 'mp3' }, ctx());
    expect(mp3.contentType).toBe('audio/mpeg');
    expect(mp3.audio.readUInt16BE(0)).toBe(0xfffb);
    const wav = await tts.synthesize({ ...hello, format: 'wav' }, ctx());
    expect(wav).toMatchObject({ contentType: 'audio/wav', durationSeconds: expect.closeTo(0.96) });
    expect(wav.audio.toString('latin1', 0, 4)).toBe('RIFF');
    expect(simulator.requests('cartesia').map((r) => (r.body as { output_format: { container: string } }).output_format.container)).toEqual(['mp3', 'wav']);
  });
});
