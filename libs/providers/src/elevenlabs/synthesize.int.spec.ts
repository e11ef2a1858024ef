import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Fault, type Simulator } from '@voxq/simulator';
import type { CallContext, TtsProvider, TtsRequest } from '../provider';
import { createElevenLabsTts } from './synthesize';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });
const hello: TtsRequest = { text: 'Hello from voxq.', language: 'en', speed: 1, voice: null };

describe('ElevenLabs TTS against the simulator', () => {
  let simulator: Simulator;
  let tts: TtsProvider;
  const create = (apiKey = 'xi-test-123') =>
    createElevenLabsTts({ baseUrl: simulator.baseUrlFor('elevenlabs'), apiKey, defaultModel: 'eleven_multilingual_v2', defaultVoice: '21m00Tcm4TlvDq8ikWAM' });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    tts = create();
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented request and returns MP3 as audio/mpeg', async () => {
    const result = await tts.synthesize(hello, ctx());

    expect(tts).toMatchObject({ name: 'elevenlabs', capability: 'tts', defaultModel: 'eleven_multilingual_v2' });
    expect(result).toMatchObject({ contentType: 'audio/mpeg', model: 'eleven_multilingual_v2' });
    expect(result.durationSeconds).toBeUndefined();
    expect(result.audio.readUInt16BE(0)).toBe(0xfffb);
    const [received] = simulator.requests('elevenlabs');
    expect(received).toMatchObject({
      method: 'POST',
      path: '/elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM',
      query: { output_format: 'mp3_44100_128' },
    });
    expect(received?.headers['xi-api-key']).toBe('***');
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.body).toEqual({ text: 'Hello from voxq.', model_id: 'eleven_multilingual_v2' });
  });

  it('puts the request voice in the path and the speed in voice_settings', async () => {
    await tts.synthesize({ ...hello, voice: 'pNInz6obpgDQGcFmaJgB', model: 'eleven_flash_v2_5', speed: 1.1 }, ctx());
    const [received] = simulator.requests('elevenlabs');
    expect(received?.path).toBe('/elevenlabs/v1/text-to-speech/pNInz6obpgDQGcFmaJgB');
    expect(received?.body).toEqual({ text: 'Hello from voxq.', model_id: 'eleven_flash_v2_5', voice_settings: { speed: 1.1 } });
  });

  it('reports text the upstream refuses (422) as rejected input, quoting the validation issue', async () => {
    await expect(tts.synthesize({ ...hello, text: ' ' }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
      failover: false,
      message: expect.stringContaining('elevenlabs: HTTP 422: body.text:'),
    });
  });

  it.each<[Fault, Record<string, unknown>]>([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2, message: 'Too many concurrent requests.' },
      { code: 'provider_unavailable', retryAfterSeconds: 2, message: 'elevenlabs: HTTP 429: too_many_concurrent_requests: Too many concurrent requests.' },
    ],
    [{ status: 401 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 422 }, { code: 'provider_rejected_input', failover: false }],
    [{ malformed: true }, { code: 'provider_unavailable', message: 'elevenlabs: malformed response: expected audio, got application/json' }],
    [{ reset: true }, { code: 'provider_unavailable', failover: true }],
    [{ cut: true }, { code: 'provider_unavailable', failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'elevenlabs');
    await expect(tts.synthesize(hello, ctx())).rejects.toMatchObject(expected);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    await expect(create('sk-sim-invalid').synthesize(hello, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      message: 'elevenlabs: HTTP 401: invalid_api_key: Invalid API key',
    });
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }], 'elevenlabs');
    const started = Date.now();
    await expect(tts.synthesize(hello, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('asks for pcm_24000 when the job wants pcm, and labels it with its rate and duration', async () => {
    const result = await tts.synthesize({ ...hello, format: 'pcm' }, ctx());
    expect(result).toMatchObject({ contentType: 'audio/pcm;rate=24000', durationSeconds: result.audio.length / 48_000 });
    expect(simulator.requests('elevenlabs')[0]?.query).toEqual({ output_format: 'pcm_24000' });
  });
});
