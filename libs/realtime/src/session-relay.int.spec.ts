import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SessionRelay, type RelayLimits } from './session-relay';

const FRAME = 64 * 1024;
const limits: RelayLimits = { maxBufferedBytes: 256 * 1024, slowClientMs: 200, maxSessionMs: 60_000 };
const CREATED = [{ data: Buffer.from('{"type":"session.created"}'), isBinary: false }];
const noTaps = { fromClient: () => {}, fromUpstream: () => {} };

/** A server and one client socket connected to it: `[server side, client side]`. */
async function socketPair(servers: WebSocketServer[]): Promise<[WebSocket, WebSocket]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  return [await accepted, client];
}

describe('SessionRelay', () => {
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      for (const socket of server.clients) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops reading the upstream while the client lags past the bound, and cuts a client that stays slow', async () => {
    const [upstreamServer, upstream] = await socketPair(servers);
    const [clientSide, client] = await socketPair(servers);
    // The client reads nothing: everything the relay sends it piles up.
    client.pause();
    let maxBuffered = 0;
    const relay = new SessionRelay(clientSide, upstream, CREATED, limits, {
      ...noTaps,
      // Before each frame goes to the client: what was still unsent.
      fromUpstream: () => void (maxBuffered = Math.max(maxBuffered, clientSide.bufferedAmount)),
    });
    const frame = Buffer.alloc(FRAME, 'a');
    for (let i = 0; i < 400; i++) upstreamServer.send(frame);

    expect(await relay.ended).toBe('slow_client');
    // Paused at the bound: at most one frame over it, of the 25 MiB the upstream sent.
    expect(maxBuffered).toBeLessThanOrEqual(limits.maxBufferedBytes + FRAME);
  });

  it('relays both ways (the frames that came before it first), and closing either side closes the other', async () => {
    const [upstreamServer, upstream] = await socketPair(servers);
    const [clientSide, client] = await socketPair(servers);
    const seenByClient: string[] = [];
    const seenByUpstream: string[] = [];
    const clientGotAll = new Promise<void>((resolve) => client.on('message', (data) => seenByClient.push(data.toString()) === 3 && resolve()));
    const upstreamGotOne = new Promise<void>((resolve) => upstreamServer.on('message', (data) => seenByUpstream.push(data.toString()) === 1 && resolve()));
    const early = { data: Buffer.from('{"type":"conversation.created"}'), isBinary: false };
    const relay = new SessionRelay(clientSide, upstream, [...CREATED, early], limits, noTaps);
    client.send('{"type":"response.create"}');
    upstreamServer.send('{"type":"response.done"}');
    const upstreamClosed = new Promise<number>((resolve) => upstreamServer.once('close', resolve));
    await Promise.all([clientGotAll, upstreamGotOne]);
    client.close(1000);
    expect(await relay.ended).toBe('client_closed');
    expect(await upstreamClosed).toBe(1000);
    expect(seenByClient).toEqual(['{"type":"session.created"}', '{"type":"conversation.created"}', '{"type":"response.done"}']);
    expect(seenByUpstream).toEqual(['{"type":"response.create"}']);
  });

  it('ends at once a session whose upstream closed before the relay started', async () => {
    const [upstreamServer, upstream] = await socketPair(servers);
    const [clientSide, client] = await socketPair(servers);
    const gone = new Promise((resolve) => upstream.once('close', resolve));
    upstreamServer.terminate();
    await gone;
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    const relay = new SessionRelay(clientSide, upstream, CREATED, limits, noTaps);
    expect(await relay.ended).toBe('upstream_error');
    expect(await closed).toBe(1011);
  });

  it('tells the client and closes it when the upstream drops the session', async () => {
    const [upstreamServer, upstream] = await socketPair(servers);
    const [clientSide, client] = await socketPair(servers);
    const events: string[] = [];
    client.on('message', (data) => events.push(JSON.parse(data.toString()).type as string));
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    const relay = new SessionRelay(clientSide, upstream, CREATED, limits, noTaps);
    upstreamServer.terminate();
    expect(await relay.ended).toBe('upstream_error');
    expect(await closed).toBe(1011);
    expect(events).toEqual(['session.created', 'error']);
  });

  it('ends a session at its maximum duration, telling the client why', async () => {
    const [, upstream] = await socketPair(servers);
    const [clientSide, client] = await socketPair(servers);
    const events: Array<{ type: string; error?: { code: string } }> = [];
    client.on('message', (data) => events.push(JSON.parse(data.toString())));
    const relay = new SessionRelay(clientSide, upstream, CREATED, { ...limits, maxSessionMs: 100 }, noTaps);
    expect(await relay.ended).toBe('max_duration');
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'session_expired' } });
  });
});
