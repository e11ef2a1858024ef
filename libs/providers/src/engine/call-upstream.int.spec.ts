import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { audioAnswer } from './audio-answer';
import { callUpstream, type UpstreamCall } from './call-upstream';
import { jsonAnswer } from './json-answer';
import { jsonBody } from './request-body';

/** A server whose answer each test chooses, by path. */
function start(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/empty') return void res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': '0' }).end();
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': '1000' });
        res.write(Buffer.alloc(400));
        return void res.socket?.destroy();
      }
      if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/hang') return;
      if (req.url === '/error') return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"detail":"slow"}');
      res.writeHead(200, { 'content-type': 'Audio/WAV' }).end(Buffer.alloc(2_000, 7));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** The vendor error reader for these tests: `{"detail": words}`. */
const readError = (body: string) => {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && 'detail' in parsed && typeof parsed.detail === 'string' ? { words: parsed.detail } : undefined;
  } catch {
    return undefined;
  }
};

describe('callUpstream', () => {
  let server: Server;
  let url: string;
  const call = <T>(path: string, answer: UpstreamCall<T>['answer'], extra: Partial<UpstreamCall<T>> = {}) =>
    callUpstream({
      provider: 'x',
      url: `${url}${path}`,
      headers: {},
      body: jsonBody({ a: 1 }),
      answer,
      readError,
      signal: AbortSignal.timeout(5_000),
      ...extra,
    });

  beforeAll(async () => ({ server, url } = await start()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the whole audio body as bytes, with the content type lower-cased', async () => {
    const answer = await call('/ok', audioAnswer());
    expect(answer.contentType).toBe('audio/wav');
    expect(answer.audio.equals(Buffer.alloc(2_000, 7))).toBe(true);
  });

  it("maps an error answer by status, with the vendor's words and Retry-After", async () => {
    await expect(call('/error', audioAnswer())).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      failover: true,
      retryAfterSeconds: 3,
      message: 'x: HTTP 429: slow',
    });
  });

  it('refuses an empty body, so the router fails over instead of storing silence', async () => {
    await expect(call('/empty', audioAnswer())).rejects.toMatchObject({ code: 'provider_unavailable', message: 'x: malformed response: empty audio body' });
  });

  it('throws on a body cut short of its content-length, never returning short audio', async () => {
    await expect(call('/cut', audioAnswer())).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
  });

  it('throws past maxBytes', async () => {
    await expect(call('/ok', audioAnswer({ maxBytes: 1_000 }))).rejects.toThrow('response body exceeds 1000 bytes');
  });

  it('validates a JSON answer with the schema, a mismatch being a broken upstream', async () => {
    await expect(call('/json', jsonAnswer(z.object({ ok: z.literal(true) })))).resolves.toEqual({ ok: true });
    await expect(call('/json', jsonAnswer(z.object({ ok: z.string() })))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
  });

  it("a call's own timeout is a timeout (fail over); the job's signal is a cancel", async () => {
    await expect(call('/hang', audioAnswer(), { timeoutMs: 50 })).rejects.toMatchObject({ code: 'provider_unavailable', message: 'x: timed out' });
    const job = new AbortController();
    setTimeout(() => job.abort(), 50);
    await expect(call('/hang', audioAnswer(), { signal: job.signal, timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});
