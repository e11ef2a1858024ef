import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, startStack, testConfig, type TestStack, installationKeys } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

interface BadRequest {
  name: string;
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  param?: string;
  message?: RegExp;
}

const msg = [{ role: 'user', content: 'hi' }];

const cases: BadRequest[] = [
  {
    name: 'malformed JSON',
    body: '{"type": "complete",',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'invalid_json',
    message: /Malformed JSON/,
  },
  {
    name: 'wrong content type',
    body: 'type=complete',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
    message: /application\/json/,
  },
  { name: 'no content type', body: 'hello', headers: { 'content-type': '' }, status: 415, code: 'unsupported_media_type' },
  { name: 'a JSON array', body: [], status: 400, message: /JSON object/ },
  { name: 'unknown job type', body: { type: 'translate', input: {} }, status: 400, param: 'type', message: /transcribe, synthesize, complete.*translate/ },
  { name: 'missing type', body: { input: {} }, status: 400, param: 'type' },
  {
    name: 'unknown top-level field',
    body: { type: 'complete', input: { messages: msg }, priority: 'high' },
    status: 400,
    param: 'priority',
    message: /unknown field 'priority'/,
  },
  { name: 'unknown input field', body: { type: 'complete', input: { messages: msg, temprature: 1 } }, status: 400, param: 'input.temprature' },
  { name: 'empty messages', body: { type: 'complete', input: { messages: [] } }, status: 400, param: 'input.messages' },
  { name: 'bad role', body: { type: 'complete', input: { messages: [{ role: 'robot', content: 'x' }] } }, status: 400, param: 'input.messages.0.role' },
  { name: 'temperature out of range', body: { type: 'complete', input: { messages: msg, temperature: 7 } }, status: 400, param: 'input.temperature' },
  { name: 'negative maxTokens', body: { type: 'complete', input: { messages: msg, maxTokens: -1 } }, status: 400, param: 'input.maxTokens' },
  {
    name: 'wrong type of content',
    body: { type: 'complete', input: { messages: [{ role: 'user', content: 42 }] } },
    status: 400,
    param: 'input.messages.0.content',
  },
  {
    name: 'tool message without toolCallId',
    body: { type: 'complete', input: { messages: [{ role: 'tool', content: '{}' }] } },
    status: 400,
    param: 'input.messages.0.toolCallId',
  },
  { name: 'empty text to synthesize', body: { type: 'synthesize', input: { text: '   ' } }, status: 400, param: 'input.text' },
  { name: 'absurd speed', body: { type: 'synthesize', input: { text: 'hi', speed: 100 } }, status: 400, param: 'input.speed' },
  { name: 'audio not base64', body: { type: 'transcribe', input: { audio: { data: '***not base64***' } } }, status: 400, param: 'input.audio.data' },
  {
    name: 'audio with a non-audio type',
    body: { type: 'transcribe', input: { audio: { data: 'UklGRg==', contentType: 'text/html' } } },
    status: 400,
    param: 'input.audio.contentType',
  },
  {
    name: 'bad language tag',
    body: { type: 'complete', input: { messages: msg }, intent: { language: 'english please' } },
    status: 400,
    param: 'intent.language',
  },
  { name: 'bad optimizeFor', body: { type: 'complete', input: { messages: msg }, intent: { optimizeFor: 'vibes' } }, status: 400, param: 'intent.optimizeFor' },
  {
    name: 'allowedProviders not a list',
    body: { type: 'complete', input: { messages: msg }, constraints: { allowedProviders: { llm: 'openai' } } },
    status: 400,
    param: 'constraints.allowedProviders.llm',
  },
  { name: 'webhook not a URL', body: { type: 'complete', input: { messages: msg }, webhook: { url: 'not a url' } }, status: 400, param: 'webhook.url' },
  {
    name: 'webhook with ftp scheme',
    body: { type: 'complete', input: { messages: msg }, webhook: { url: 'ftp://example.com/x' } },
    status: 400,
    param: 'webhook.url',
  },
  { name: 'metadata with a non-string value', body: { type: 'complete', input: { messages: msg }, metadata: { n: 1 } }, status: 400, param: 'metadata.n' },
  { name: 'an empty binary audio body', body: Buffer.alloc(0), headers: { 'content-type': 'audio/wav' }, status: 400 },
  {
    name: 'a binary body with a bad intent header',
    body: Buffer.from('RIFF'),
    headers: { 'content-type': 'audio/wav', 'x-voxq-intent': '{nope' },
    status: 400,
    param: 'x-voxq-intent',
  },
  {
    name: 'a bad Idempotency-Key',
    body: { type: 'complete', input: { messages: msg } },
    headers: { 'idempotency-key': 'x'.repeat(300) },
    status: 400,
    param: 'Idempotency-Key',
  },
];

describe('bad input', () => {
  let stack: TestStack;
  let apiKey: string;
  let redis: RedisClient;

  beforeAll(async () => {
    // A small JSON limit so "oversized" is cheap to send.
    stack = await startStack(testConfig({ API_JSON_LIMIT_BYTES: '4096', API_AUDIO_LIMIT_BYTES: '8192' }), { worker: false, dispatcher: false });
    apiKey = (await stack.createKey('acme')).apiKey;
    redis = createRedisConnection(stack.config.redis);
  });

  afterAll(async () => {
    await stack?.close();
    redis?.disconnect();
    if (stack) await cleanupPrefix(stack.config);
  });

  /**
   * Every key voxq has written: queues, records, blobs, idempotency keys. Not the key's own,
   * nor the queues' `meta` hashes: each queue client writes its own as it connects, which on
   * a fresh stack may be during the first request.
   */
  const keyCount = async () =>
    (await installationKeys(redis, stack.config.redis)).filter((k) => !/:apikey(-id)?:|:tenant:acme(:keys)?$|:q:[^:]+:meta$/.test(k)).length;

  const oversized: BadRequest[] = [
    {
      name: 'an oversized JSON body',
      body: { type: 'complete', input: { messages: [{ role: 'user', content: 'x'.repeat(10_000) }] } },
      status: 413,
      code: 'payload_too_large',
    },
    { name: 'an oversized audio body', body: Buffer.alloc(20_000, 1), headers: { 'content-type': 'audio/wav' }, status: 413, code: 'payload_too_large' },
  ];

  it.each([...cases, ...oversized])('$name → $status in the error envelope, nothing stored', async (c) => {
    const before = await keyCount();
    const res = await stack.request(apiKey, 'POST', '/v1/jobs', c.body, c.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toEqual({
      type: expect.any(String),
      code: expect.any(String),
      message: expect.any(String),
      param: expect.toSatisfy((p) => p === null || typeof p === 'string'),
    });
    if (c.code) expect(res.body.error!.code).toBe(c.code);
    if (c.param) expect(res.body.error!.param).toBe(c.param);
    if (c.message) expect(res.body.error!.message).toMatch(c.message);
    expect(await keyCount()).toBe(before);
  });

  it('answers unknown routes and bad ids with 404 in the envelope', async () => {
    for (const path of ['/v1/nope', '/v1/jobs/not-a-job', '/v1/jobs/job_0000000000000000000000000000']) {
      const res = await stack.request(apiKey, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.error?.type).toBe('not_found_error');
    }
  });

  it('refuses a webhook URL into a private network unless configured to allow it', async () => {
    const strict = await startStack(testConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_ALLOW_HTTP: 'false' }), { worker: false, dispatcher: false });
    try {
      const key = (await strict.createKey('acme')).apiKey;
      const urls = ['https://127.0.0.1/hook', 'https://169.254.169.254/latest', 'https://10.0.0.5/x', 'http://example.com/hook', 'https://[::1]/x'];
      // Spellings of loopback and metadata addresses that a naive string check would miss.
      urls.push(
        'https://2130706433/x',
        'https://0x7f.1/x',
        'https://[::ffff:127.0.0.1]/x',
        'https://[::ffff:a9fe:a9fe]/x',
        'https://localhost./x',
        'https://0/x',
      );
      for (const url of urls) {
        const res = await strict.request(key, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url } });
        expect(res.status, url).toBe(400);
        expect(res.body.error?.param, url).toBe('webhook.url');
      }
    } finally {
      await strict.close();
      await cleanupPrefix(strict.config);
    }
  });
});
