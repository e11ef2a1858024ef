import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Simulator } from '@voxq/simulator';
import type { CallContext, SttProvider, SttRequest } from '../provider';
import { sinePcm, sineWav } from '@voxq/wav';
import { createDeepgramStt } from './transcribe';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });

describe('deepgram STT against the simulator', () => {
  let simulator: Simulator;
  let deepgram: SttProvider;
  const wav = sineWav({ seconds: 2 });
  const request: SttRequest = { audio: wav, contentType: 'audio/wav', language: 'en-US' };

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    deepgram = createDeepgramStt({ baseUrl: simulator.baseUrlFor('deepgram'), apiKey: 'dg-test-123', defaultModel: 'nova-2' });
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('posts the audio as the body with the options in the query, and maps the answer', async () => {
    const response = await deepgram.transcribe(request, ctx());

    expect(response).toEqual({
      text: `Simulated transcript of ${wav.length} bytes of audio/wav by nova-2`,
      model: 'nova-2',
      language: 'en-US',
      confidence: 0.93,
      durationSeconds: 2,
      // The simulator's utterances: three words each, spread evenly over the audio.
      segments: [
        { start: 0, end: expect.closeTo(2 / 3), text: 'Simulated transcript of' },
        { start: expect.closeTo(2 / 3), end: expect.closeTo(4 / 3), text: `${wav.length} bytes of` },
        { start: expect.closeTo(4 / 3), end: 2, text: 'audio/wav by nova-2' },
      ],
      // Each of the nine words timed, the last ending with the audio.
      words: expect.arrayContaining([
        { word: 'Simulated', start: 0, end: expect.closeTo(2 / 9) },
        { word: 'nova-2', start: expect.closeTo(16 / 9), end: 2 },
      ]),
    });
    expect(response.words).toHaveLength(9);
    expect(deepgram.name).toBe('deepgram');
    const [received] = simulator.requests('deepgram');
    expect(received).toMatchObject({
      method: 'POST',
      path: '/deepgram/v1/listen',
      query: { model: 'nova-2', language: 'en-US', smart_format: 'true', punctuate: 'true', utterances: 'true' },
      body: `<${wav.length} bytes of audio/wav>`,
    });
    expect(received?.headers.authorization).toBe('Token ***');
    expect(received?.headers['content-type']).toBe('audio/wav');
  });

  it('spells out the layout of raw PCM, and sends a tag Deepgram has no model for as its primary subtag', async () => {
    const pcm = sinePcm({ seconds: 1, sampleRate: 24_000 });
    const response = await deepgram.transcribe({ audio: pcm, contentType: 'audio/pcm;rate=24000', language: 'fr-BE', model: 'nova-2-general' }, ctx());
    expect(response).toMatchObject({ model: 'nova-2-general', language: 'fr' });
    expect(simulator.requests('deepgram')[0]).toMatchObject({
      query: { model: 'nova-2-general', language: 'fr', encoding: 'linear16', sample_rate: '24000', channels: '1' },
      headers: { 'content-type': 'audio/pcm;rate=24000' },
      body: `<${pcm.length} bytes of audio/pcm;rate=24000>`,
    });
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'Bad Request: the request body is empty'],
    ['a WAV that is not one', Buffer.from('not a riff header'), 'Bad Request: failed to process audio'],
  ])('reports %s as rejected input, in Deepgram’s words', async (_, audio, words) => {
    const failure = deepgram.transcribe({ ...request, audio }, ctx());
    await expect(failure).rejects.toMatchObject({ code: 'provider_rejected_input', failover: false, retryable: false });
    await expect(failure).rejects.toThrow(`deepgram: HTTP 400: ${words}`);
  });

  it.each([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 4 },
      { code: 'provider_unavailable', retryable: true, failover: true, retryAfterSeconds: 4 },
    ],
    [{ status: 402 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 403 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ malformed: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ reset: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ cut: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'deepgram');
    await expect(deepgram.transcribe(request, ctx())).rejects.toMatchObject(expected);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    const revoked = createDeepgramStt({ baseUrl: simulator.baseUrlFor('deepgram'), apiKey: 'sk-sim-invalid', defaultModel: 'nova-2' });
    await expect(revoked.transcribe(request, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      message: expect.stringMatching(/^deepgram: HTTP 401: Invalid credentials\. \(request [0-9a-f-]{36}\)$/),
    });
  });

  it('gives up on a hung upstream when the call times out, and reports a cancel as such', async () => {
    simulator.enqueueFaults([{ hang: true }, { hang: true }], 'deepgram');
    const started = Date.now();
    await expect(deepgram.transcribe(request, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(deepgram.transcribe(request, ctx(controller.signal))).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});
