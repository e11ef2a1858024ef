import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Simulator } from '@voxq/simulator';
import type { CallContext, SttProvider, SttRequest } from '../provider';
import { sinePcm, sineWav } from '@voxq/wav';
import { createOpenAiCompatibleStt } from './transcribe';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });
const MULTIPART = /^multipart\/form-data; boundary=/;

describe('openai-compatible STT against the simulator', () => {
  let simulator: Simulator;
  let openai: SttProvider;
  const wav = sineWav({ seconds: 1.5 });
  const request: SttRequest = { audio: wav, contentType: 'audio/wav', language: 'fr-FR' };

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    openai = createOpenAiCompatibleStt({ name: 'openai', baseUrl: simulator.baseUrlFor('openai'), apiKey: 'sk-test-123', defaultModel: 'whisper-1' });
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('uploads the audio as a multipart form and maps the verbose_json answer', async () => {
    const response = await openai.transcribe(request, ctx());

    // The transcript names the file type and model the simulator parsed out of the form, and
    // Whisper's `french` comes back only if `language: fr` reached it.
    expect(response).toEqual({
      text: `Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`,
      model: 'whisper-1',
      language: 'fr',
      durationSeconds: 1.5,
      confidence: 0.93,
      // The simulator's segments: three words each, timed to Whisper's 20 ms.
      segments: [
        { start: 0, end: 0.5, text: 'Simulated transcript of' },
        { start: 0.5, end: 1, text: `${wav.length} bytes of` },
        { start: 1, end: 1.5, text: 'audio/wav by whisper-1' },
      ],
    });
    const [received] = simulator.requests('openai');
    expect(received).toMatchObject({ method: 'POST', path: '/openai/v1/audio/transcriptions' });
    expect(received?.headers.authorization).toBe('Bearer ***');
    expect(received?.headers['content-type']).toMatch(MULTIPART);
    // The body is the form: the audio plus a few hundred bytes of fields and part headers.
    const size = Number(/^<(\d+) bytes of multipart\/form-data/.exec(String(received?.body))?.[1]);
    expect(size).toBeGreaterThan(wav.length);
    expect(size).toBeLessThan(wav.length + 1_000);
  });

  it('serves Groq under its own mount with its model', async () => {
    const groq = createOpenAiCompatibleStt({ name: 'groq', baseUrl: simulator.baseUrlFor('groq'), apiKey: 'gsk-test', defaultModel: 'whisper-large-v3-turbo' });
    const response = await groq.transcribe({ ...request, language: 'en-US' }, ctx());
    expect(response).toMatchObject({ text: expect.stringMatching(/ by whisper-large-v3-turbo$/), model: 'whisper-large-v3-turbo', language: 'en' });
    expect(simulator.requests('groq')[0]?.path).toBe('/groq/openai/v1/audio/transcriptions');
  });

  it('sends raw PCM as a WAV file, and a request model over the default', async () => {
    const pcm = sinePcm({ seconds: 1, sampleRate: 24_000 });
    const response = await openai.transcribe({ audio: pcm, contentType: 'audio/pcm;rate=24000', language: 'en', model: 'gpt-4o-transcribe' }, ctx());
    expect(response.text).toBe(`Simulated transcript of ${pcm.length + 44} bytes of audio/wav by gpt-4o-transcribe`);
    expect(response.model).toBe('gpt-4o-transcribe');
    expect(response.durationSeconds).toBeCloseTo(1);
  });

  it('serves the unprefixed OpenAI-compatible mount', async () => {
    const compatible = createOpenAiCompatibleStt({ name: 'local-whisper', baseUrl: simulator.baseUrl, apiKey: 'none', defaultModel: 'whisper-1' });
    await expect(compatible.transcribe(request, ctx())).resolves.toMatchObject({ model: 'whisper-1' });
    expect(simulator.requests('openai')[0]?.path).toBe('/v1/audio/transcriptions');
  });

  it('fails over, without a call, on audio it cannot name or upload', async () => {
    await expect(openai.transcribe({ ...request, audio: Buffer.from('no magic here'), contentType: 'application/octet-stream' }, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      retryable: false,
    });
    const small = createOpenAiCompatibleStt({
      name: 'openai',
      baseUrl: simulator.baseUrlFor('openai'),
      apiKey: 'k',
      defaultModel: 'whisper-1',
      maxUploadBytes: 1_000,
    });
    await expect(small.transcribe(request, ctx())).rejects.toMatchObject({ code: 'provider_misconfigured', message: expect.stringContaining('upload limit') });
    expect(simulator.requests()).toEqual([]);
  });

  it('reports audio Whisper refuses as rejected input', async () => {
    await expect(openai.transcribe({ ...request, audio: Buffer.from('RIFX not really a wav') }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
      failover: false,
      message: 'openai: HTTP 400: Audio file might be corrupted or unsupported',
    });
  });

  it.each([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 3 },
      { code: 'provider_unavailable', retryable: true, failover: true, retryAfterSeconds: 3 },
    ],
    [{ status: 401 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ malformed: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ reset: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ cut: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'openai');
    await expect(openai.transcribe(request, ctx())).rejects.toMatchObject(expected);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    const revoked = createOpenAiCompatibleStt({ name: 'openai', baseUrl: simulator.baseUrlFor('openai'), apiKey: 'sk-sim-invalid', defaultModel: 'whisper-1' });
    await expect(revoked.transcribe(request, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      message: 'openai: HTTP 401: Incorrect API key provided.',
    });
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }], 'openai');
    const started = Date.now();
    await expect(openai.transcribe(request, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
  it('asks for word timings only when the job wants them, keeping the segments', async () => {
    const plain = await openai.transcribe(request, ctx());
    expect(plain.words).toBeUndefined();
    const timed = await openai.transcribe({ ...request, words: true }, ctx());
    expect(timed.segments).toHaveLength(3);
    expect(timed.words?.map((w) => w.word)).toEqual(`Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`.split(' '));
    expect(timed.words?.at(-1)).toMatchObject({ end: 1.5 });
  });

  it('translates over /audio/translations with the translation model, in English, and only when it has one', async () => {
    const groq = createOpenAiCompatibleStt({
      name: 'groq',
      baseUrl: simulator.baseUrlFor('groq'),
      apiKey: 'gsk-test',
      defaultModel: 'whisper-large-v3-turbo',
      translateModel: 'whisper-large-v3',
    });
    const translated = await groq.translate!({ ...request, model: 'whisper-large-v3-turbo' }, ctx());
    expect(translated).toMatchObject({ text: `Simulated English translation of ${wav.length} bytes of audio/wav by whisper-large-v3`, language: 'en' });
    expect(simulator.requests('groq')[0]?.path).toBe('/groq/openai/v1/audio/translations');
    expect(openai.translate).toBeUndefined();
  });
});
