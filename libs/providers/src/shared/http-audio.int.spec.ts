import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJsonForAudio } from './http-audio';

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
      if (req.url === '/error') return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"detail":"slow"}');
      res.writeHead(200, { 'content-type': 'Audio/WAV' }).end(Buffer.alloc(2_000, 7));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('postJsonForAudio', () => {
  let server: Server;
  let url: string;
  const signal = () => AbortSignal.timeout(5_000);

  beforeAll(async () => ({ server, url } = await start()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the whole body as bytes, with the content type lower-cased', async () => {
    const response = await postJsonForAudio(`${url}/ok`, { a: 1 }, {}, signal());
    expect(response).toMatchObject({ status: 200, contentType: 'audio/wav' });
    expect(response.body.equals(Buffer.alloc(2_000, 7))).toBe(true);
  });

  it('returns error answers as they are', async () => {
    const response = await postJsonForAudio(`${url}/error`, {}, {}, signal());
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expect(response.body.toString()).toBe('{"detail":"slow"}');
  });

  it('returns an empty body as empty, for the caller to refuse', async () => {
    expect((await postJsonForAudio(`${url}/empty`, {}, {}, signal())).body.length).toBe(0);
  });

  it('throws on a body cut short of its content-length, never returning short audio', async () => {
    await expect(postJsonForAudio(`${url}/cut`, {}, {}, signal())).rejects.toThrow();
  });

  it('throws past maxBytes', async () => {
    await expect(postJsonForAudio(`${url}/ok`, {}, {}, signal(), { maxBytes: 1_000 })).rejects.toThrow('response body exceeds 1000 bytes');
  });
});
