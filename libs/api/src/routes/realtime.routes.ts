import type { IncomingMessage } from 'node:http';
import { Router, type Request } from 'express';
import { WebSocketServer } from 'ws';
import { realtimeQuerySchema } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { parseOrThrow } from '@voxq/intake';
import type { RealtimeService } from '@voxq/realtime';
import { principalOf } from '../middleware/authenticate';
import { upgradeOf } from '../upgrade-requests';

/** RFC 6455's handshake headers: checked before a provider is called, so ws never refuses a handshake after one was opened. */
function isWebSocketHandshake(req: Request): boolean {
  return (
    req.header('upgrade')?.toLowerCase() === 'websocket' &&
    /^[+/0-9A-Za-z]{22}==$/.test(req.header('sec-websocket-key') ?? '') &&
    ['8', '13'].includes(req.header('sec-websocket-version') ?? '')
  );
}

/**
 * `GET /v1/realtime?model=…` (seed 004): the handshake arrives authenticated and rate limited
 * like any /v1 request; the session is opened upstream before the socket is upgraded, so a
 * refusal is an HTTP answer in the usual envelope. `GET /v1/realtime/sessions/:id`: the
 * tenant's session record.
 */
export function realtimeRoutes(deps: { realtime: RealtimeService }): Router {
  const router = Router();
  // Compression off (ws's default for a server): audio frames do not compress, and zlib per socket costs memory.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  // The 101 names the session (its record is `GET /v1/realtime/sessions/:id`) and the request.
  const named = new WeakMap<IncomingMessage, Record<string, string>>();
  wss.on('headers', (headers, req) => {
    for (const [name, value] of Object.entries(named.get(req) ?? {})) headers.push(`${name}: ${value}`);
  });

  router.get('/v1/realtime', async (req, res) => {
    const upgrade = upgradeOf(req);
    if (!upgrade || !isWebSocketHandshake(req)) throw errors.upgradeRequired('/v1/realtime');
    const { model } = parseOrThrow(realtimeQuerySchema, req.query, 'query');
    const gone = new AbortController();
    const onGone = () => gone.abort(errors.cancelled('The client closed its socket before the session opened.'));
    upgrade.socket.once('close', onGone);
    const pending = await deps.realtime.open(principalOf(req), model, gone.signal).finally(() => upgrade.socket.off('close', onGone));
    res.detachSocket(upgrade.socket as Parameters<typeof res.detachSocket>[0]);
    named.set(req, { 'x-voxq-session-id': pending.id, 'x-request-id': String(req.id) });
    let attached = false;
    wss.handleUpgrade(req, upgrade.socket, upgrade.head, (client) => {
      attached = true;
      deps.realtime.attach(pending, client);
    });
    // ws upgrades at once, or drops a socket that closed meanwhile without calling back.
    if (!attached) await deps.realtime.abandon(pending);
  });

  router.get('/v1/realtime/sessions/:id', async (req, res) => {
    res.json(await deps.realtime.get(principalOf(req).tenantId, String(req.params['id'])));
  });

  return router;
}
