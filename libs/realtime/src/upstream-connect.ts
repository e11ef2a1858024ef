import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { errors, type AppError } from '@voxq/errors';
import type { RealtimeProvider } from '@voxq/providers';

/** An upstream session that opened: its socket (paused until the relay starts) and its `session.created` frame. */
export interface OpenedUpstream {
  socket: WebSocket;
  sessionCreated: Buffer;
  /**
   * Frames that arrived after `session.created` before the relay took the socket (pausing it
   * stops reading, not the frames already read), in order; taking them stops the collecting.
   */
  takeEarly(): Array<{ data: Buffer; isBinary: boolean }>;
}

/** The most of a refused handshake's body read for its error message. */
const MAX_ERROR_BODY = 16 * 1024;
/** The largest event the relay takes from an upstream (a long audio delta is well under 1 MiB). */
const MAX_UPSTREAM_EVENT_BYTES = 16 * 1024 * 1024;

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < MAX_ERROR_BODY) body += chunk;
    });
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

/**
 * Opens a session with `provider`: the WebSocket handshake, then its first event, which must be
 * `session.created`. Everything short of that is the provider failing (a refused handshake
 * maps as the vendor's HTTP errors do; a connection error, a close or another first event is
 * `provider_unavailable`), so the router fails over to the next candidate. `signal` (the
 * router's call timeout, or the client gone) abandons the attempt and its socket.
 */
export function openUpstream(provider: RealtimeProvider, model: string, signal: AbortSignal): Promise<OpenedUpstream> {
  const { url, headers } = provider.upstream(model);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = new WebSocket(url, { headers, perMessageDeflate: false, maxPayload: MAX_UPSTREAM_EVENT_BYTES, handshakeTimeout: 60_000 });
    let settled = false;
    const fail = (error: AppError | unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      // A late error event from the abandoned socket must find a listener.
      socket.on('error', () => {});
      socket.terminate();
      reject(error);
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('unexpected-response', (_req, res) => {
      void readBody(res).then((body) => fail(provider.handshakeError(res.statusCode ?? 502, body, String(res.headers['retry-after'] ?? '') || null)));
    });
    socket.once('error', (error: Error & { code?: string }) =>
      fail(errors.providerUnavailable(provider.name, `connection failed (${error.code ?? error.message})`, error)),
    );
    socket.once('close', (code) => fail(errors.providerUnavailable(provider.name, `closed the socket before session.created (code ${code})`)));
    socket.once('message', (data: Buffer, isBinary) => {
      const type = isBinary ? undefined : typeOf(data);
      if (type !== 'session.created') {
        return fail(errors.providerUnavailable(provider.name, `sent ${type ? `'${type}'` : 'something that is not an event'} instead of session.created`));
      }
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      // Held until the client's socket is upgraded and the relay reads it.
      socket.pause();
      socket.on('error', () => {});
      const early: Array<{ data: Buffer; isBinary: boolean }> = [];
      const keep = (frame: Buffer, binary: boolean) => void early.push({ data: frame, isBinary: binary });
      socket.on('message', keep);
      resolve({
        socket,
        sessionCreated: data,
        takeEarly: () => {
          socket.off('message', keep);
          return early;
        },
      });
    });
  });
}

function typeOf(data: Buffer): string | undefined {
  try {
    const event = JSON.parse(data.toString('utf8')) as { type?: unknown };
    return typeof event.type === 'string' ? event.type : undefined;
  } catch {
    return undefined;
  }
}
