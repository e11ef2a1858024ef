import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Fault, type Simulator } from '@voxq/simulator';
import type { CallContext, TtsProvider, TtsRequest } from '../provider';
import { readWav } from '@voxq/wav';
import { createOpenAiCompatibleTts } from './synthesize';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });
const hello: TtsRequest = { text: 'Hello from voxq.', language: 'en-US', speed: 1, voice: null };

describe('openai-compatible TTS against the simulator', () => {
  let simulator: Simulator;
  let tts: TtsProvider;
  const create = (overrides: Partial<Parameters<typeof createOpenAiCompatibleTts>[0]> = {}) =>
    createOpenAiCompatibleTts({
      name: 'openai',
      baseUrl: simulator.baseUrlFor('openai'),
      apiKey: 'sk-test-123',
      defaultModel: 'tts-1',
      defaultVoice: 'alloy',
      ...overrides,
    });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    tts = create();
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented speech request and returns the WAV with its duration', async () => {
    const result = await tts.synthesize(hello, ctx());

    expect(result).toMatchObject({ contentType: 'audio/wav', model: 'tts-1' });
    expect(readWav(result.audio).sampleRate).toBe(24_000);
    // 16 characters at 60 ms each.
    expect(result.durationSeconds).toBeCloseTo(0.96);
    const [received] = simulator.requests('openai');
    expect(received).toMatchObject({ method: 'POST', path: '/openai/v1/audio/speech' });
    expect(received?.headers.authorization).toBe('Bearer ***');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toEqual({ model: 'tts-1', input: 'Hello from voxq.', voice: 'alloy', response_format: 'wav' });
  });

  it('passes the model, voice and speed, and serves MP3 when configured', async () => {
    const mp3 = create({ responseFormat: 'mp3' });
    const result = await mp3.synthesize({ ...hello, model: 'tts-1-hd', voice: 'nova', speed: 2 }, ctx());
    expect(result).toMatchObject({ contentType: 'audio/mpeg', model: 'tts-1-hd' });
    expect(result.durationSeconds).toBeUndefined();
    expect(result.audio.readUInt16BE(0)).toBe(0xfffb);
    expect(simulator.requests('openai')[0]?.body).toEqual({ model: 'tts-1-hd', input: 'Hello from voxq.', voice: 'nova', response_format: 'mp3', speed: 2 });
  });

  it('reports text the upstream refuses as rejected input', async () => {
    await expect(tts.synthesize({ ...hello, text: '' }, ctx())).rejects.toMatchObject({ code: 'provider_rejected_input', failover: false });
  });

  it.each<[Fault, Record<string, unknown>]>([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2 },
      { code: 'provider_unavailable', failover: true, retryAfterSeconds: 2 },
    ],
    [
      { status: 404, message: 'The model `tts-9` does not exist' },
      { code: 'provider_misconfigured', retryable: false, failover: true },
    ],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ malformed: true }, { code: 'provider_unavailable', message: 'openai: malformed response: expected audio, got application/json' }],
    [{ reset: true }, { code: 'provider_unavailable', failover: true }],
    [{ cut: true }, { code: 'provider_unavailable', failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'openai');
    await expect(tts.synthesize(hello, ctx())).rejects.toMatchObject(expected);
  });

  it('waits out a slow answer and returns it whole', async () => {
    simulator.enqueueFaults([{ slowMs: 100 }], 'openai');
    expect((await tts.synthesize(hello, ctx())).durationSeconds).toBeCloseTo(0.96);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    await expect(create({ apiKey: 'sk-sim-invalid' }).synthesize(hello, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      message: 'openai: HTTP 401: Incorrect API key provided.',
    });
  });

  it('gives up on a hung upstream when the call times out, and reports a cancel as such', async () => {
    simulator.enqueueFaults([{ hang: true }, { hang: true }], 'openai');
    await expect(tts.synthesize(hello, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', message: 'openai: timed out' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(tts.synthesize(hello, ctx(controller.signal))).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});
