import { ServerResponse, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** What an upgrade request brought besides itself: its raw socket and the bytes read past its headers. */
export interface UpgradeOf {
  socket: Duplex;
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, UpgradeOf>();

/** The socket of a request that asks for a protocol upgrade (a WebSocket handshake); undefined for a plain request. */
export const upgradeOf = (req: IncomingMessage): UpgradeOf | undefined => upgrades.get(req);

/**
 * Serves upgrade requests (WebSocket handshakes) through the same app as every other request:
 * each gets a response bound to its socket, so request ids, authentication, rate limits, routing
 * and the one error envelope apply unchanged, and any answer but an upgrade is an ordinary
 * HTTP response, after which the socket closes. A route that upgrades (`upgradeOf`) takes the
 * socket over instead.
 */
export function serveUpgrades(server: Server, app: RequestListener): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrades.set(req, { socket, head });
    const res = new ServerResponse(req);
    res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
    // An answer that is not an upgrade is the last thing on this socket.
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    app(req, res);
  });
}
