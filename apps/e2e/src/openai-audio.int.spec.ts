import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sineWav, startSimulatedStack, startStack, testConfig, type SimulatedStack, type TestStack } from '@voxq/testing';

/** Each speech format's first bytes: an ID3 tag or an MPEG frame sync, Ogg pages, the FLAC marker, an ADTS sync, RIFF. */
const MAGIC = {
  mp3: (a: Buffer) => a.toString('latin1', 0, 3) === 'ID3' || (a[0] === 0xff && ((a[1] ?? 0) & 0xe0) === 0xe0),
  opus: (a: Buffer) => a.toString('latin1', 0, 4) === 'OggS',
  aac: (a: Buffer) => a[0] === 0xff && ((a[1] ?? 0) & 0xf6) === 0xf0,
  flac: (a: Buffer) => a.toString('latin1', 0, 4) === 'fLaC',
  wav: (a: Buffer) => a.toString('latin1', 0, 4) === 'RIFF' && a.toString('latin1', 8, 12) === 'WAVE',
} as const;

const CONTENT_TYPES = { mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm;rate=24000' } as const;

/** The official SDK's audio and files calls against voxq with a simulated OpenAI (Whisper, TTS) behind it. */
describe('OpenAI SDK audio and files (simulated OpenAI)', () => {
  let stack: SimulatedStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    const { apiKey } = await stack.createKey('openai-audio-tenant');
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each(['mp3', 'opus', 'aac', 'flac', 'wav'] as const)(
    'audio.speech.create answers %s bytes with their Content-Type, asked of the provider',
    async (format) => {
      const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Welcome to voxq.', response_format: format });
      expect(speech.headers.get('content-type')).toBe(CONTENT_TYPES[format]);
      const bytes = Buffer.from(await speech.arrayBuffer());
      expect(MAGIC[format](bytes)).toBe(true);
      // OpenAI makes every format itself: the worker asked for it rather than converting.
      const asked = stack.simulator.requests('openai').filter((r) => r.path.endsWith('/audio/speech'));
      expect((asked.at(-1)?.body as { response_format: string }).response_format).toBe(format);
    },
  );

  it('answers mp3 when no response_format is given, and raw 24 kHz 16-bit PCM for pcm', async () => {
    const mp3 = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Default format.' });
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    expect(MAGIC.mp3(Buffer.from(await mp3.arrayBuffer()))).toBe(true);

    const pcm = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Raw samples.', response_format: 'pcm' });
    expect(pcm.headers.get('content-type')).toBe('audio/pcm;rate=24000');
    const samples = Buffer.from(await pcm.arrayBuffer());
    // The simulated speech lasts 60 ms a character: 12 characters at 24 kHz, 2 bytes a sample.
    expect(samples.length).toBe(Math.round(12 * 0.06 * 24_000) * 2);
    expect(MAGIC.wav(samples)).toBe(false);
  });

  it('refuses an unknown response_format with a 400 naming it, queueing nothing', async () => {
    const before = stack.simulator.requests('openai').length;
    const refused = await client.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: 'Hi', response_format: 'ogg' as never })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('response_format');
    expect(stack.simulator.requests('openai')).toHaveLength(before);
  });

  it('audio.translations.create reaches the translations endpoint and answers its English text', async () => {
    const wav = sineWav(1.5);
    const translation = await client.audio.translations.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1' });
    expect(translation.text).toBe(`Simulated English translation of ${wav.length} bytes of audio/wav by whisper-1`);
    expect(stack.simulator.requests('openai').at(-1)?.path).toBe('/v1/audio/translations');

    const verbose = await client.audio.translations.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    expect(verbose).toMatchObject({ task: 'translate', language: 'english', text: translation.text });

    // A model that pins a provider that does not translate (pocketsphinx's) is refused, naming the model.
    const pinned = await client.audio.translations.create({ file: await toFile(wav, 'call.wav'), model: 'en-us' }).catch((error: unknown) => error);
    expect(pinned).toMatchObject({ status: 400, code: 'no_translation_provider', param: 'model' });
  });

  it('verbose_json answers words with timestamp_granularities[]=word, and segments as asked', async () => {
    const wav = sineWav(1.5);
    const transcript = `Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`;
    const words = await client.audio.transcriptions.create({
      file: await toFile(wav, 'call.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(words.words?.map((w) => w.word)).toEqual(transcript.split(' '));
    expect(words.words?.[0]).toEqual({ word: 'Simulated', start: 0, end: expect.any(Number) });
    expect(words.words?.at(-1)?.end).toBe(1.5);
    expect(words).not.toHaveProperty('segments');

    const both = await client.audio.transcriptions.create({
      file: await toFile(wav, 'call.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(both.words).toHaveLength(9);
    expect(both.segments).toHaveLength(3);

    const plain = await client.audio.transcriptions.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    expect(plain).not.toHaveProperty('words');
    expect(plain.segments).toHaveLength(3);

    const refused = await client.audio.transcriptions
      .create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1', response_format: 'json', timestamp_granularities: ['word'] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('timestamp_granularities');
  });

  it("files.list pages through the tenant's files (newest first, or asc), by purpose, and never another tenant's", async () => {
    const { apiKey: otherKey } = await stack.createKey('openai-audio-other-tenant');
    const other = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: otherKey, maxRetries: 0 });
    const line = (id: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [] } });
    const upload = async (owner: OpenAI, name: string) =>
      owner.files.create({ file: await toFile(Buffer.from(`${line(name)}\n`), `${name}.jsonl`), purpose: 'batch' });
    const mine: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) mine.push((await upload(client, name)).id);
    const theirs = (await upload(other, 'x')).id;

    const first = await client.files.list({ limit: 2 });
    expect(first.data.map((f) => f.id)).toEqual([mine[4], mine[3]]);
    expect(first.has_more).toBe(true);

    // The SDK follows `after` (the last id of each page) until `has_more` is false.
    const all: string[] = [];
    for await (const file of client.files.list({ limit: 2 })) all.push(file.id);
    expect(all).toEqual([...mine].reverse());

    const ascending: string[] = [];
    for await (const file of client.files.list({ limit: 3, order: 'asc', purpose: 'batch' })) ascending.push(file.id);
    expect(ascending).toEqual(mine);
    expect((await client.files.list({ purpose: 'batch_output' })).data).toEqual([]);

    const otherList = await other.files.list();
    expect(otherList.data.map((f) => f.id)).toEqual([theirs]);
    expect(otherList.data[0]).toMatchObject({ object: 'file', purpose: 'batch', filename: 'x.jsonl', status: 'processed' });

    // A deleted file leaves the list; a cursor naming another tenant's file is refused.
    await client.files.delete(mine[2]!);
    expect((await client.files.list()).data.map((f) => f.id)).toEqual([mine[4], mine[3], mine[1], mine[0]]);
    await expect(client.files.list({ after: theirs })).rejects.toMatchObject({ status: 400, param: 'after' });
  });
});

/** The local engines only (espeak-ng, pocketsphinx): formats come from ffmpeg, nothing translates. */
describe('OpenAI SDK audio on the local engines', () => {
  let stack: TestStack;
  let client: OpenAI;
  let apiKey: string;

  beforeAll(async () => {
    // pocketsphinx takes seconds on a busy machine: the test config's 5 s call limit is too short.
    stack = await startStack(testConfig({ PROVIDER_TIMEOUT_MS: '30000' }));
    ({ apiKey } = await stack.createKey('openai-audio-local'));
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each(['mp3', 'opus', 'aac', 'flac', 'wav'] as const)('converts espeak-ng WAV to %s with ffmpeg', async (format) => {
    const speech = await client.audio.speech.create({ model: 'espeak-ng', voice: 'en', input: 'Hello from the worker.', response_format: format });
    expect(speech.headers.get('content-type')).toBe(CONTENT_TYPES[format]);
    expect(speech.headers.get('x-speko-provider')).toBe('espeak-ng');
    expect(MAGIC[format](Buffer.from(await speech.arrayBuffer()))).toBe(true);
  });

  it('converts to raw 24 kHz PCM', async () => {
    const pcm = await client.audio.speech.create({ model: 'espeak-ng', voice: 'en', input: 'Samples.', response_format: 'pcm' });
    expect(pcm.headers.get('content-type')).toBe('audio/pcm;rate=24000');
    const samples = Buffer.from(await pcm.arrayBuffer());
    expect(samples.length % 2).toBe(0);
    expect(samples.length).toBeGreaterThan(24_000);
  });

  it('refuses a translation when no provider translates, queueing nothing', async () => {
    const { apiKey: freshKey } = await stack.createKey('openai-audio-no-translator');
    const fresh = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: freshKey, maxRetries: 0 });
    // en-us is pocketsphinx's model, the only speech-to-text model here.
    const refused = await fresh.audio.translations.create({ file: await toFile(sineWav(), 'call.wav'), model: 'en-us' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'no_translation_provider', param: 'model' });
    expect((refused as Error).message).toMatch(/No configured provider translates/);
    const jobs = await stack.request(freshKey, 'GET', '/v1/jobs');
    expect(jobs.body.data).toEqual([]);
  });

  it("verbose_json carries pocketsphinx's word timings", async () => {
    const speech = await client.audio.speech.create({ model: 'espeak-ng', voice: 'en', input: 'Hello world, this is voxq.', response_format: 'wav' });
    const wav = Buffer.from(await speech.arrayBuffer());
    const verbose = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'en-us',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(verbose.words?.length).toBeGreaterThan(3);
    for (const word of verbose.words ?? []) {
      expect(word.word).toMatch(/^\S+$/);
      expect(word.end).toBeGreaterThanOrEqual(word.start);
    }
    const starts = (verbose.words ?? []).map((w) => w.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(verbose.segments?.length).toBeGreaterThan(0);
  }, 30_000);

  it('takes format, task and words on POST /v1/jobs', async () => {
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'synthesize', input: { text: 'Hi there.', format: 'flac' } });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect(await stack.waitForJob(apiKey, id)).toMatchObject({
      status: 'completed',
      result: { audio: { contentType: 'audio/flac', key: expect.stringMatching(/\.flac$/) } },
    });
    const audio = await stack.request(apiKey, 'GET', `/v1/jobs/${id}/result`);
    expect(audio.headers.get('content-type')).toBe('audio/flac');
    expect(MAGIC.flac(audio.raw)).toBe(true);

    // Nothing here translates: the job fails saying so rather than answering a transcript.
    const data = sineWav().toString('base64');
    const translate = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'transcribe',
      input: { audio: { data, contentType: 'audio/wav' }, task: 'translate' },
    });
    expect(await stack.waitForJob(apiKey, translate.body.id as string)).toMatchObject({
      status: 'failed',
      error: { code: 'no_provider_available', message: expect.stringContaining('pocketsphinx does not translate') },
    });
    const refused = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'synthesize', input: { text: 'Hi', format: 'ogg' } });
    expect(refused).toMatchObject({ status: 400, body: { error: { param: 'input.format' } } });

    // Speko's one-shot synthesize takes the same format.
    const opus = await stack.request(apiKey, 'POST', '/v1/synthesize', { text: 'Hi there.', format: 'opus' });
    expect(opus.status).toBe(200);
    expect(opus.headers.get('content-type')).toBe('audio/ogg');
    expect(MAGIC.opus(opus.raw)).toBe(true);
  });
});
