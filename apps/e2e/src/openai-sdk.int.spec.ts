import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sineWav, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** The official `openai` SDK with its baseURL pointed at voxq (seeds 002/004). */
describe('OpenAI SDK drop-in', () => {
  let stack: SimulatedStack;
  let client: OpenAI;

  beforeAll(async () => {
    // OPENAI_BASE_URL points at the simulator, which also serves Whisper and TTS under /v1/audio/*.
    stack = await startSimulatedStack();
    const { apiKey } = await stack.createKey('openai-sdk-tenant');
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('chat.completions.create answers a chat.completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are concise.' },
        { role: 'user', content: 'Write a haiku about GPUs.' },
      ],
      max_tokens: 50,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      id: expect.stringMatching(/^chatcmpl-/),
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Simulated reply to: Write a haiku about GPUs.' }, finish_reason: 'stop' }],
    });
    const usage = completion.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    // The configured model pinned the provider and model.
    const sent = stack.simulator.requests().at(-1)!;
    expect((sent.body as { model: string; max_tokens?: number; max_completion_tokens?: number }).model).toBe('gpt-4o-mini');
  });

  it('an aborted call cancels its job (a client gone is a job no one will read)', async () => {
    stack.simulator.setLatency({ latencyMs: 5_000 });
    const abort = new AbortController();
    const call = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Abandon me.' }] }, { signal: abort.signal });
    // The job exists once the provider is called; then the client goes away.
    const calls = stack.simulator.requests().length;
    await eventually(() => (stack.simulator.requests().length > calls ? true : undefined), 15_000, 'the provider called');
    abort.abort();
    await expect(call).rejects.toThrow();
    stack.simulator.reset();
    // Run inline, the call's job is written as it ends (cancelled), so the newest job is read each time.
    await eventually(
      async () => {
        const { data } = (await stack.request(client.apiKey, 'GET', '/v1/jobs?type=complete&limit=1')).body as { data: Array<{ status: string }> };
        return data[0]?.status === 'cancelled' ? true : undefined;
      },
      15_000,
      'the job cancelled',
    );
  });

  it('round-trips tool calls: assistant tool_calls and tool messages', async () => {
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Call get_weather for Paris.' }],
      tools: [weatherTool],
    });
    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([{ id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: expect.any(String) } }]);

    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Call get_weather for Paris.' },
        message,
        { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: '{"tempC": 21}' },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.content).toEqual(expect.any(String));
  });

  it('streams chat.completion.chunk events ending [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Solve: 23 * 47' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: Array<string | null> = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Simulated reply to: Solve: 23 * 47');
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams tool calls', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Use get_weather for Oslo.' }],
      tools: [weatherTool],
      stream: true,
    });
    const names: string[] = [];
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) if (call.function?.name) names.push(call.function.name);
    }
    expect(names).toEqual(['get_weather']);
  });

  it('audio.speech.create answers audio bytes', async () => {
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Welcome to voxq.' });
    expect(speech.headers.get('content-type')).toMatch(/^audio\//);
    expect(speech.headers.get('x-speko-provider')).toBe('openai');
    const bytes = Buffer.from(await speech.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
  });

  it('audio.transcriptions.create and audio.translations.create answer {text}', async () => {
    const wav = sineWav();
    const transcription = await client.audio.transcriptions.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1', language: 'en' });
    expect(transcription.text).toBe(`Simulated transcript of ${wav.length} bytes of audio/wav by whisper-1`);

    const text = await client.audio.transcriptions.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1', response_format: 'text' });
    expect(String(text).trim()).toBe(transcription.text);

    // Whisper's translations endpoint, not a transcript (openai-audio.int.spec.ts has the rest).
    const translation = await client.audio.translations.create({ file: await toFile(wav, 'call.wav'), model: 'whisper-1' });
    expect(translation.text).toBe(`Simulated English translation of ${wav.length} bytes of audio/wav by whisper-1`);
  });

  it('audio.transcriptions.create answers srt and vtt cues timed by the provider’s segments, and verbose_json with them', async () => {
    // 1.5 s, so the simulated Whisper's three segments fall on round times.
    const wav = sineWav(1.5);
    const file = () => toFile(wav, 'call.wav');
    const cues = [
      { from: '00:00:00.000', to: '00:00:00.500', text: 'Simulated transcript of' },
      { from: '00:00:00.500', to: '00:00:01.000', text: `${wav.length} bytes of` },
      { from: '00:00:01.000', to: '00:00:01.500', text: 'audio/wav by whisper-1' },
    ];

    const srt = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', language: 'en', response_format: 'srt' });
    expect(srt).toBe(cues.map((c, i) => `${i + 1}\n${c.from.replace('.', ',')} --> ${c.to.replace('.', ',')}\n${c.text}\n\n`).join(''));

    const vtt = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'vtt' });
    expect(vtt).toBe(`WEBVTT\n\n${cues.map((c) => `${c.from} --> ${c.to}\n${c.text}\n\n`).join('')}`);

    const translated = await client.audio.translations.create({ file: await file(), model: 'whisper-1', response_format: 'vtt' });
    expect(translated).toMatch(/^WEBVTT\n\n00:00:00\.000 --> [\d:.]+\nSimulated English translation\n/);

    const verbose = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'verbose_json' });
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'english', duration: 1.5, text: cues.map((c) => c.text).join(' ') });
    expect(verbose.segments?.map(({ id, start, end, text }) => ({ id, start, end, text }))).toEqual([
      { id: 0, start: 0, end: 0.5, text: cues[0]!.text },
      { id: 1, start: 0.5, end: 1, text: cues[1]!.text },
      { id: 2, start: 1, end: 1.5, text: cues[2]!.text },
    ]);
  });

  it('errors surface as the SDK typed errors', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const failed = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Fail.' }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failed as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('bad shape');

    const anonymous = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: 'vq_not_a_key', maxRetries: 0 });
    await expect(anonymous.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    const badFormat = await client.audio.transcriptions
      .create({ file: await toFile(sineWav(), 'call.wav'), model: 'whisper-1', response_format: 'diarized_json' })
      .catch((e: unknown) => e);
    expect(badFormat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badFormat as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('response_format');
  });
});
