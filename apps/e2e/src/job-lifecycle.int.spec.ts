import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';

/** Installed at all: the exit code of a probe does not matter, only that it ran. */
const has = (bin: string) => !spawnSync(bin, ['--version'], { stdio: 'ignore' }).error;
const HAS_ESPEAK = has('espeak-ng');
const HAS_POCKETSPHINX = has('sox') && has('pocketsphinx_continuous');
if (!HAS_ESPEAK || !HAS_POCKETSPHINX) {
  console.warn('[e2e] espeak-ng/pocketsphinx/sox missing: speech tests skipped (apt-get install -y espeak-ng pocketsphinx pocketsphinx-en-us sox)');
}

describe('a job of each type, end to end with a signed webhook', () => {
  let stack: SimulatedStack;
  let receiver: WebhookReceiver;
  let apiKey: string;

  beforeAll(async () => {
    // The local engines decode on this machine's CPU: under a loaded CI (load 9) pocketsphinx took
    // longer than the suites' 5 s provider timeout. Nothing here tests a timeout.
    stack = await startSimulatedStack({ PROVIDER_TIMEOUT_MS: '30000' });
    const key = await stack.createKey('acme');
    apiKey = key.apiKey;
    receiver = await startWebhookReceiver({ secret: key.webhookSecret });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  const waitForJob = async (id: string, status = 'completed') => {
    const job = await stack.waitForJob(apiKey, id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe(status);
    return job;
  };

  it('completes an LLM job against the simulator and delivers job.completed', async () => {
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'complete',
      input: { messages: [{ role: 'user', content: 'Hi there!' }], systemPrompt: 'You are concise.', maxTokens: 50 },
      intent: { language: 'en' },
      webhook: { url: receiver.url },
      metadata: { order: '42' },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ object: 'job', type: 'complete', status: 'queued' });
    expect(submitted.headers.get('location')).toBe(`/v1/jobs/${submitted.body.id}`);

    const job = await waitForJob(submitted.body.id as string);
    expect(job.result).toMatchObject({
      text: 'Simulated reply to: Hi there!',
      provider: 'openai',
      failoverCount: 0,
      finishReason: 'stop',
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      timings: { queuedMs: expect.any(Number), processingMs: expect.any(Number), providerMs: expect.any(Number) },
    });
    expect((job.result as { scoresRunId: string }).scoresRunId).toMatch(/^sr_/);

    // The simulator saw OpenAI's wire format: the system prompt as a leading system message.
    const sent = stack.simulator.requests().at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect((sent.body as { messages: unknown[] }).messages[0]).toEqual({ role: 'system', content: 'You are concise.' });

    const hook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === job.id);
    expect(hook.verified).toBe(true);
    expect(hook.body).toMatchObject({ type: 'job.completed', data: { id: job.id, status: 'completed', metadata: { order: '42' } } });
    expect(hook.id).toBe((hook.body as { id: string }).id);
  });

  it('embeds texts against the simulator and delivers job.completed with the vectors', async () => {
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'embed',
      input: { input: ['first', 'second'], dimensions: 16 },
      webhook: { url: receiver.url },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ object: 'job', type: 'embed', status: 'queued' });
    const job = await waitForJob(submitted.body.id as string);
    expect(job.result).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      failoverCount: 0,
      usage: { promptTokens: expect.any(Number) },
      timings: { queuedMs: expect.any(Number), processingMs: expect.any(Number), providerMs: expect.any(Number) },
    });
    const { embeddings } = job.result as { embeddings: number[][] };
    expect(embeddings.map((v) => v.length)).toEqual([16, 16]);
    expect(stack.simulator.requests().at(-1)!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
      dimensions: 16,
      encoding_format: 'float',
    });

    const hook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === job.id);
    expect(hook.verified).toBe(true);
    expect(hook.body).toMatchObject({ type: 'job.completed', data: { id: job.id, type: 'embed', status: 'completed', result: { embeddings } } });
  });

  it.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)('synthesizes with espeak-ng, then transcribes that audio with pocketsphinx', async () => {
    const synth = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'synthesize',
      input: { text: 'Hello world. This is a test of the voice queue.', speed: 1 },
      intent: { language: 'en-US' },
      // Pinned: the live ranking may put the simulated provider first on a busy machine.
      constraints: { allowedProviders: { tts: ['espeak-ng'] } },
      webhook: { url: receiver.url },
    });
    expect(synth.status).toBe(202);
    const done = await waitForJob(synth.body.id as string);
    expect(done.result).toMatchObject({ provider: 'espeak-ng', audio: { contentType: 'audio/wav', url: `/v1/jobs/${done.id}/result` } });
    const hook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === done.id);
    expect(hook.verified).toBe(true);

    const audio = await stack.request(apiKey, 'GET', `/v1/jobs/${done.id}/result`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect(audio.raw.subarray(0, 4).toString()).toBe('RIFF');

    // The audio goes back in as a binary body, intent in a header (seed 000's shape).
    const stt = await stack.request(apiKey, 'POST', '/v1/jobs', audio.raw, {
      'content-type': 'audio/wav',
      'x-voxq-intent': JSON.stringify({ language: 'en-US' }),
      'x-voxq-constraints': JSON.stringify({ allowedProviders: { stt: ['pocketsphinx'] } }),
      'x-voxq-webhook-url': receiver.url,
    });
    expect(stt.status, JSON.stringify(stt.body)).toBe(202);
    expect(stt.body.type).toBe('transcribe');
    const transcript = await waitForJob(stt.body.id as string);
    expect(transcript.result).toMatchObject({ provider: 'pocketsphinx', text: expect.any(String) });
    expect((transcript.result as { usage: { audioSeconds: number } }).usage.audioSeconds).toBeGreaterThan(1);
    const sttHook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === transcript.id);
    expect(sttHook.verified).toBe(true);
    expect(sttHook.body).toMatchObject({ type: 'job.completed', data: { type: 'transcribe' } });
  });

  it('accepts transcribe audio as inline base64 JSON too', async () => {
    const wav = Buffer.from('RIFF....WAVEfmt ');
    const res = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'transcribe',
      input: { audio: { data: wav.toString('base64'), contentType: 'audio/wav' } },
    });
    expect(res.status).toBe(202);
    expect(res.body.type).toBe('transcribe');
    if (!HAS_POCKETSPHINX) return;
    // Not audio at all: the engine rejects the input and the job fails at once, with why.
    const job = await waitForJob(res.body.id as string, 'failed');
    expect(job.attempts).toBe(1);
    expect(job.error).toMatchObject({ code: 'provider_rejected_input', retryable: false, message: expect.stringContaining('decode') });
  });
});
