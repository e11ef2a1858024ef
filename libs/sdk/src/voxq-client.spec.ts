import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';
import { readServerSentEvents } from './sse';
import { VoxqClient } from './voxq-client';
import { VoxqError, parseRetryAfter } from './voxq-error';

type Call = { url: string; init: RequestInit };

/** A fetch that answers from a script and records what it was sent. */
function scripted(answers: Array<Response | Error>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const envelope = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { param: null, ...error } }), { status, headers: { 'content-type': 'application/json', ...headers } });
const job = { id: 'job_1', object: 'job', status: 'queued' };
const ok = (body: unknown = job) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const client = (fetch: typeof globalThis.fetch, maxRetries = 2) =>
  new VoxqClient({ baseUrl: 'http://voxq.test/v1/', apiKey: 'vq_k', fetch, maxRetries, backoff: { baseMs: 1, maxMs: 5 } });

describe('VoxqClient transport', () => {
  it('sends the key, strips /v1 from the base URL and drops empty query values', async () => {
    const { calls, fetch } = scripted([ok({ data: [], nextCursor: null, hasMore: false })]);
    await client(fetch).jobs.list({ status: 'queued', limit: 5, cursor: undefined });
    expect(calls[0]!.url).toBe('http://voxq.test/v1/jobs?status=queued&limit=5');
    expect((calls[0]!.init.headers as Record<string, string>)['authorization']).toBe('Bearer vq_k');
  });

  it('asks for the input with include=input on a read and a list, and not otherwise', async () => {
    const { calls, fetch } = scripted([ok(), ok({ data: [], nextCursor: null, hasMore: false }), ok()]);
    await client(fetch).jobs.get('job_1', { include: ['input'] });
    await client(fetch).jobs.list({ type: 'synthesize', include: ['input'] });
    await client(fetch).jobs.get('job_1', { include: [] });
    expect(calls.map((c) => c.url)).toEqual([
      'http://voxq.test/v1/jobs/job_1?include=input',
      'http://voxq.test/v1/jobs?type=synthesize&include=input',
      'http://voxq.test/v1/jobs/job_1',
    ]);
  });

  it('retries jobs.create under one generated Idempotency-Key after a 503 and a network error', async () => {
    const { calls, fetch } = scripted([envelope(503, { type: 'api_error', code: 'unavailable', message: 'busy' }), new TypeError('fetch failed'), ok()]);
    await expect(client(fetch).jobs.create({ type: 'synthesize', input: { text: 'hi' } })).resolves.toMatchObject({ id: 'job_1' });
    const keys = calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never retries a POST without an Idempotency-Key', async () => {
    const { calls, fetch } = scripted([envelope(503, { type: 'api_error', code: 'unavailable', message: 'busy' }), ok()]);
    await expect(client(fetch).batches.create({ jobs: [{ type: 'synthesize', input: { text: 'hi' } }] })).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
    });
    expect(calls).toHaveLength(1);
  });

  it('does not retry a 4xx and reports the envelope, request id and Retry-After', async () => {
    const { calls, fetch } = scripted([
      envelope(400, { type: 'invalid_request_error', code: 'invalid_request', message: 'bad', param: 'input.text' }, { 'x-request-id': 'req_1' }),
    ]);
    const error = (await client(fetch)
      .jobs.get('job_1')
      .catch((e: unknown) => e)) as VoxqError;
    expect(error).toBeInstanceOf(VoxqError);
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_request',
      param: 'input.text',
      requestId: 'req_1',
      retryAfter: null,
      retryable: false,
    });
    expect(calls).toHaveLength(1);
  });

  it('gives up after maxRetries on 429s, keeping retryAfter', async () => {
    const limited = () => envelope(429, { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'slow down' }, { 'retry-after': '0' });
    const { calls, fetch } = scripted([limited(), limited()]);
    await expect(client(fetch, 1).jobs.get('job_1')).rejects.toMatchObject({ status: 429, retryAfter: 0, retryable: true });
    expect(calls).toHaveLength(2);
  });

  it('turns a non-JSON error page into a VoxqError', async () => {
    const { fetch } = scripted([new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })]);
    await expect(client(fetch, 0).jobs.get('job_1')).rejects.toMatchObject({ status: 502, code: 'http_502', type: 'api_error' });
  });
});

describe('jobs.wait', () => {
  const finished = { ...job, status: 'completed' };
  const sse = (text: string) => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });

  it('follows the event stream to the final event', async () => {
    const { fetch } = scripted([
      sse(
        `event: job\ndata: ${JSON.stringify(job)}\n\nevent: started\ndata: {"type":"started","at":"t","attempt":1}\n\nevent: completed\ndata: ${JSON.stringify(finished)}\n\n`,
      ),
    ]);
    const seen: string[] = [];
    await expect(client(fetch).jobs.wait('job_1', { onEvent: (e) => seen.push(e.type) })).resolves.toMatchObject({ status: 'completed' });
    expect(seen).toEqual(['job', 'started', 'completed']);
  });

  it('falls back to polling when the stream fails or ends early', async () => {
    const { calls, fetch } = scripted([envelope(503, { type: 'api_error', code: 'unavailable', message: 'busy' }), ok(job), ok(finished)]);
    await expect(client(fetch, 0).jobs.wait('job_1', { pollIntervalMs: 1 })).resolves.toMatchObject({ status: 'completed' });
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/v1/jobs/job_1/events', '/v1/jobs/job_1', '/v1/jobs/job_1']);

    const early = scripted([sse(`event: job\ndata: ${JSON.stringify(job)}\n\n`), ok(finished)]);
    await expect(client(early.fetch).jobs.wait('job_1')).resolves.toMatchObject({ status: 'completed' });
  });

  it('does not poll a job that does not exist, and times out with a typed error', async () => {
    const { calls, fetch } = scripted([envelope(404, { type: 'invalid_request_error', code: 'job_not_found', message: 'no' })]);
    await expect(client(fetch).jobs.wait('job_1')).rejects.toMatchObject({ status: 404 });
    expect(calls).toHaveLength(1);

    const forever = scripted(Array.from({ length: 100 }, () => ok(job)));
    await expect(client(forever.fetch).jobs.wait('job_1', { stream: false, timeoutMs: 50, pollIntervalMs: 5 })).rejects.toMatchObject({
      code: 'wait_timeout',
      type: 'timeout_error',
    });
  });
});

describe('backoff and Retry-After', () => {
  it('grows exponentially with jitter, capped, and never under Retry-After', () => {
    expect(retryDelayMs(0, null, { baseMs: 100 }, () => 0)).toBe(50);
    expect(retryDelayMs(3, null, { baseMs: 100 }, () => 1)).toBe(800);
    expect(retryDelayMs(20, null, { baseMs: 100, maxMs: 1000 }, () => 1)).toBe(1000);
    expect(retryDelayMs(0, 3, { baseMs: 100 }, () => 0)).toBe(3000);
  });

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('readServerSentEvents', () => {
  it('parses events split across chunks, skipping comments, with CRLF line ends', async () => {
    const chunks = [': keep-alive\n\nevent: job\r\ndata: {"a":', '1}\r\n\r\nevent: started\ndata: {"b":2}\n', '\ndata: x\ndata: y\n\n'];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event);
    expect(events).toEqual([
      { event: 'job', data: '{"a":1}' },
      { event: 'started', data: '{"b":2}' },
      { event: null, data: 'x\ny' },
    ]);
  });
});
