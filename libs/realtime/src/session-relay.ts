import type { RawData, WebSocket } from 'ws';
import type { RealtimeCloseReason } from '@voxq/contracts';

export interface RelayLimits {
  /** A receiving socket's unsent bytes past which the relay stops reading the other side. */
  maxBufferedBytes: number;
  /** How long the client may stay past the bound before the session is closed (`slow_client`). */
  slowClientMs: number;
  /** The session's longest life (`max_duration`). */
  maxSessionMs: number;
}

export interface RelayTaps {
  /** Each client event, as it is passed on (the transcript reads them). */
  fromClient(data: RawData, isBinary: boolean): void;
  fromUpstream(data: RawData, isBinary: boolean): void;
}

/** How long a side closed by the relay may take over its closing handshake before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/** The error event the client gets when the relay, not the provider, ends its session (OpenAI's `error` shape). */
function errorEvent(code: string, message: string): string {
  return JSON.stringify({ type: 'error', event_id: `event_voxq_${code}`, error: { type: 'server_error', code, message, param: null, event_id: null } });
}

const CLOSE_OF: Record<Exclude<RealtimeCloseReason, 'client_closed' | 'upstream_closed'>, { code: number; error: [string, string] }> = {
  max_duration: { code: 1000, error: ['session_expired', 'The session reached its maximum duration.'] },
  slow_client: { code: 1008, error: ['slow_client', 'The client read too slowly: the session was closed.'] },
  upstream_error: { code: 1011, error: ['upstream_error', 'The provider closed the session abnormally.'] },
  server_shutdown: { code: 1001, error: ['server_shutdown', 'The server is restarting: start a new session.'] },
};

/**
 * Relays one open session both ways, frame for frame, with backpressure: when the receiving
 * socket has more than `maxBufferedBytes` unsent, the relay stops reading the sending one (its
 * TCP window fills, and the sender slows) until the bytes go out, so a slow reader never grows
 * this process's memory past the bound. A client that stays slow for `slowClientMs` is cut.
 * Closing either side closes the other; `ended` resolves with why, once both are closed.
 */
export class SessionRelay {
  readonly ended: Promise<RealtimeCloseReason>;
  private reason: RealtimeCloseReason | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private resolveEnded!: (reason: RealtimeCloseReason) => void;

  constructor(
    private readonly client: WebSocket,
    private readonly upstream: WebSocket,
    /** `session.created` and any frames the upstream sent after it before the relay started. */
    first: ReadonlyArray<{ data: Buffer; isBinary: boolean }>,
    private readonly limits: RelayLimits,
    taps: RelayTaps,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    for (const { data, isBinary } of first) {
      client.send(data, { binary: isBinary });
      taps.fromUpstream(data, isBinary);
    }
    this.pipe(
      upstream,
      client,
      (data, isBinary) => taps.fromUpstream(data, isBinary),
      () => this.close('slow_client'),
    );
    this.pipe(client, upstream, (data, isBinary) => taps.fromClient(data, isBinary), null);
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.once('close', () => this.sideClosed('client_closed'));
    upstream.once('close', (code) => this.sideClosed(code === 1000 ? 'upstream_closed' : 'upstream_error'));
    this.timers.push(setTimeout(() => this.close('max_duration'), limits.maxSessionMs));
    upstream.resume();
    // Either may have closed while the client's socket was being upgraded: its close event is gone.
    if (isClosed(upstream)) this.sideClosed('upstream_error');
    else if (isClosed(client)) this.sideClosed('client_closed');
  }

  /** Ends the session from here: the client gets an error event saying why, then both sides close. */
  close(reason: Exclude<RealtimeCloseReason, 'client_closed' | 'upstream_closed'>): void {
    if (this.reason) return;
    this.reason = reason;
    const { code, error } = CLOSE_OF[reason];
    // A slow client would get the event behind everything it has not read: it is cut instead.
    if (reason === 'slow_client') this.client.terminate();
    else this.closeSide(this.client, code, errorEvent(...error));
    this.closeSide(this.upstream, 1000);
  }

  private sideClosed(reason: 'client_closed' | 'upstream_closed' | 'upstream_error'): void {
    if (!this.reason) {
      this.reason = reason;
      if (reason === 'client_closed') this.closeSide(this.upstream, 1000);
      else if (reason === 'upstream_error') this.closeSide(this.client, 1011, errorEvent(...CLOSE_OF.upstream_error.error));
      else this.closeSide(this.client, 1000);
    }
    if (isClosed(this.client) && isClosed(this.upstream)) {
      for (const timer of this.timers) clearTimeout(timer);
      this.resolveEnded(this.reason);
    }
  }

  private closeSide(socket: WebSocket, code: number, lastEvent?: string): void {
    if (isClosed(socket)) return;
    if (lastEvent !== undefined && socket.readyState === socket.OPEN) socket.send(lastEvent);
    socket.close(code);
    const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    this.timers.push(cut);
    socket.once('close', () => clearTimeout(cut));
  }

  /**
   * Passes `from`'s frames to `to`. Past the bound, `from` is paused (ws stops reading its TCP
   * socket); each frame `to` finishes writing checks again, and at half the bound `from` resumes.
   */
  private pipe(from: WebSocket, to: WebSocket, tap: (data: RawData, isBinary: boolean) => void, onSlow: (() => void) | null): void {
    const { maxBufferedBytes, slowClientMs } = this.limits;
    let slowTimer: NodeJS.Timeout | undefined;
    const written = () => {
      if (!from.isPaused || to.bufferedAmount > maxBufferedBytes / 2) return;
      clearTimeout(slowTimer);
      from.resume();
    };
    from.on('message', (data, isBinary) => {
      tap(data, isBinary);
      if (to.readyState !== to.OPEN) return;
      to.send(data as Buffer, { binary: isBinary }, written);
      if (to.bufferedAmount > maxBufferedBytes && !from.isPaused) {
        from.pause();
        if (onSlow) slowTimer = setTimeout(onSlow, slowClientMs);
      }
    });
    from.once('close', () => clearTimeout(slowTimer));
  }
}

const isClosed = (socket: WebSocket) => socket.readyState === socket.CLOSED;
