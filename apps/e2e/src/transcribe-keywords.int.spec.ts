import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@voxq/simulator';
import { sineWav, SpekoWireClient, SpekoWireError, startSimulatedStack, type SimulatedStack, type StreamEvent } from '@voxq/testing';

/** Installed at all: the exit code of a probe does not matter, only that it ran. */
const has = (bin: string) => !spawnSync(bin, ['--version'], { stdio: 'ignore' }).error;
const HAS_POCKETSPHINX = has('sox') && has('pocketsphinx_continuous');

/** Whisper (OpenAI) and Deepgram, both simulated, beside the local pocketsphinx, which takes no keywords. */
const sttVendors = (sim: Simulator) => ({
  DEEPGRAM_API_KEY: 'dg-sim-test',
  DEEPGRAM_BASE_URL: sim.baseUrlFor('deepgram'),
  // This suite looks at one provider at a time.
  PROVIDER_BREAKER_FAILURES: '100',
});

const KEYWORDS = ['Acme', 'Dr. Chen'];
const only = (provider: string) => ({ allowedProviders: { stt: [provider] } });

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/**
 * The Speko SDK's `transcribe(audio, {keywords})` (its `X-Speko-Stt-Options` header) and a
 * job's `input.keywords`: forwarded to the provider that runs in its own terms, reported as
 * unused where it cannot take them, refused with a 400 when malformed.
 */
describe('transcribe keywords', () => {
  let stack: SimulatedStack;
  let apiKey: string;
  let speko: SpekoWireClient;
  beforeAll(async () => {
    stack = await startSimulatedStack(sttVendors);
    apiKey = (await stack.createKey(`keywords-${Date.now()}`)).apiKey;
    speko = new SpekoWireClient({ apiKey, baseUrl: stack.url });
  });
  afterAll(() => stack?.close());

  const lastRequest = (vendor: string) => stack.simulator.requests(vendor).at(-1);
  /** A raw `POST /v1/transcribe` the way curl sends it (no SDK User-Agent, so the answer is JSON). */
  const postTranscribe = (headers: Record<string, string>) =>
    fetch(`${stack.url}/v1/transcribe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'audio/wav', 'x-speko-intent': '{"language":"en-US"}', ...headers },
      body: sineWav(),
    });

  it('reach the simulated Whisper as its comma-joined prompt', async () => {
    const result = await speko.transcribe(sineWav(), { language: 'en-US', keywords: KEYWORDS, constraints: only('openai') });
    expect(result).toMatchObject({ provider: 'openai', model: 'whisper-1' });
    expect(lastRequest('openai')?.form).toMatchObject({ model: 'whisper-1', prompt: 'Acme, Dr. Chen' });
  });

  it('reach a simulated Deepgram as one keywords parameter each, and nothing is reported unused', async () => {
    const events = await collect(speko.transcribeStream(sineWav(), { language: 'en-US', keywords: KEYWORDS, constraints: only('deepgram') }));
    const done = events.find((e) => e.type === 'done');
    expect(done).toMatchObject({ provider: 'deepgram', model: 'nova-2' });
    expect(done).not.toHaveProperty('unusedParams');
    expect(lastRequest('deepgram')?.query).toMatchObject({ model: 'nova-2', keywords: KEYWORDS });
  });

  it.skipIf(!HAS_POCKETSPHINX)('are reported unused by pocketsphinx, which still transcribes: the done event, the JSON and its header', async () => {
    const events = await collect(speko.transcribeStream(sineWav(), { language: 'en-US', keywords: KEYWORDS, constraints: only('pocketsphinx') }));
    expect(events.map((e) => e.type)).toEqual(['meta', 'transcript', 'done']);
    expect(events.at(-1)).toMatchObject({ provider: 'pocketsphinx', unusedParams: ['keywords'] });

    const res = await postTranscribe({
      'x-speko-stt-options': JSON.stringify({ keywords: KEYWORDS }),
      'x-speko-constraints': JSON.stringify(only('pocketsphinx')),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-voxq-unused-params')).toBe('keywords');
    expect(await res.json()).toMatchObject({ provider: 'pocketsphinx', unusedParams: ['keywords'] });
  });

  it.skipIf(!HAS_POCKETSPHINX)('are decided per candidate: sent to Whisper, then reported unused when pocketsphinx takes over', async () => {
    stack.simulator.enqueueFaults([{ status: 500 }], 'openai');
    const audio = { data: sineWav().toString('base64'), contentType: 'audio/wav' };
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'transcribe',
      input: { audio, keywords: KEYWORDS },
      // Accuracy ranks Whisper first; pocketsphinx is the fallback.
      intent: { language: 'en-US', optimizeFor: 'accuracy' },
      constraints: { allowedProviders: { stt: ['openai', 'pocketsphinx'] } },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await stack.waitForJob(apiKey, submitted.body.id as string, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.result).toMatchObject({ provider: 'pocketsphinx', failoverCount: 1, unusedParams: ['keywords'] });
    expect(lastRequest('openai')?.form).toMatchObject({ prompt: 'Acme, Dr. Chen' });
  });

  it('leave no unused-params header when the provider took them', async () => {
    const res = await postTranscribe({ 'x-speko-stt-options': JSON.stringify({ keywords: KEYWORDS }), 'x-speko-constraints': JSON.stringify(only('openai')) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-voxq-unused-params')).toBeNull();
    expect(await res.json()).not.toHaveProperty('unusedParams');
  });

  it('refuse a bad header with a 400 the SDK reads as its message and code, before anything is queued', async () => {
    const calls = stack.simulator.requests().length;
    const blank = await speko.transcribe(sineWav(), { language: 'en-US', keywords: ['Acme', '  '], constraints: only('openai') }).catch((e: unknown) => e);
    expect(blank).toBeInstanceOf(SpekoWireError);
    expect(blank).toMatchObject({ status: 400, code: 'INVALID_REQUEST', message: expect.stringContaining('x-speko-stt-options.keywords.1') });

    for (const [header, param] of [
      ['not json', 'x-speko-stt-options'],
      ['{"keyword":["Acme"]}', 'x-speko-stt-options.keyword'],
      ['{"keywords":"Acme"}', 'x-speko-stt-options.keywords'],
    ]) {
      const res = await postTranscribe({ 'x-speko-stt-options': header! });
      expect(res.status, header).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.any(String), code: 'INVALID_REQUEST', param });
    }
    expect(stack.simulator.requests()).toHaveLength(calls);
  });

  it('go with a /v1/jobs transcribe as input.keywords, and a bad list is a 400 naming it', async () => {
    const audio = { data: sineWav().toString('base64'), contentType: 'audio/wav' };
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'transcribe',
      input: { audio, keywords: ['  Acme ', 'Dr. Chen'] },
      intent: { language: 'en-US' },
      constraints: only('openai'),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await stack.waitForJob(apiKey, submitted.body.id as string);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.result).toMatchObject({ provider: 'openai' });
    expect(done.result).not.toHaveProperty('unusedParams');
    expect(lastRequest('openai')?.form).toMatchObject({ prompt: 'Acme, Dr. Chen' });

    const refused = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'transcribe', input: { audio, keywords: [] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', param: 'input.keywords' });
  });
});

describe('transcribe keywords on Deepgram nova-3', () => {
  let stack: SimulatedStack;
  let speko: SpekoWireClient;
  beforeAll(async () => {
    stack = await startSimulatedStack((sim) => ({ ...sttVendors(sim), DEEPGRAM_MODEL: 'nova-3' }));
    speko = new SpekoWireClient({ apiKey: (await stack.createKey(`keyterm-${Date.now()}`)).apiKey, baseUrl: stack.url });
  });
  afterAll(() => stack?.close());

  it('go as keyterm, which nova-3 takes (the simulated Deepgram refuses keywords there, as Deepgram does)', async () => {
    const result = await speko.transcribe(sineWav(), { language: 'en-US', keywords: KEYWORDS, constraints: only('deepgram') });
    expect(result).toMatchObject({ provider: 'deepgram', model: 'nova-3' });
    const sent = stack.simulator.requests('deepgram').at(-1)?.query;
    expect(sent).toMatchObject({ model: 'nova-3', keyterm: KEYWORDS });
    expect(sent).not.toHaveProperty('keywords');
  });
});
