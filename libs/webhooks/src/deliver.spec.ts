import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverWebhook, EXCERPT_BYTES, isDelivered, WEBHOOK_USER_AGENT } from './deliver';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const local = { allowPrivateNetworks: true };
const send = (url: string, extra: Partial<Parameters<typeof deliverWebhook>[0]> = {}) =>
  deliverWebhook({ url, body: '{"hello":"world"}', headers: { 'webhook-id': 'evt_1' }, timeoutMs: 2_000, policy: local, ...extra });

describe('deliverWebhook', () => {
  it('POSTs the body as JSON with the signature headers and reports the answer', async () => {
    let seen: { method?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      seen = { method: req.method, headers: req.headers, body };
      res.writeHead(204).end();
    });
    const answer = await send(`${url}/hook?x=1`);
    expect(answer).toMatchObject({ status: 204, excerpt: '' });
    expect(answer.ms).toBeGreaterThanOrEqual(0);
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"hello":"world"}');
    expect(seen.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': 'evt_1',
    });
  });

  it('keeps only an excerpt of a large answer', async () => {
    const url = await serve((_req, res) => res.writeHead(500).end('x'.repeat(100_000)));
    const answer = await send(url);
    expect(answer.status).toBe(500);
    expect(answer.excerpt).toHaveLength(EXCERPT_BYTES);
  });

  it('does not follow a redirect', async () => {
    let followed = false;
    const target = await serve((_req, res) => ((followed = true), res.end()));
    const url = await serve((_req, res) => res.writeHead(307, { location: target }).end());
    expect((await send(url)).status).toBe(307);
    expect(followed).toBe(false);
    expect(isDelivered(307)).toBe(false);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const url = await serve(() => undefined);
    await expect(send(url, { timeoutMs: 150 })).rejects.toThrow('timed out after 150 ms');
  });

  it('refuses at connect time a host name that resolves to a private address', async () => {
    const port = new URL(await serve((_req, res) => res.end())).port;
    await expect(send(`http://localhost:${port}/`, { policy: { allowPrivateNetworks: false } })).rejects.toMatchObject({
      code: 'EPRIVATEADDRESS',
    });
    expect((await send(`http://localhost:${port}/`)).status).toBe(200);
  });
});
