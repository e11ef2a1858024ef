import WebSocket from 'ws';

/** A server event as the tests read it: its `type` and whatever else it carries. */
export type RealtimeEvent = { type: string; [field: string]: unknown };

/** What a refused handshake answered: the HTTP status and its JSON body. */
export interface RefusedHandshake {
  status: number;
  body: { error?: { type: string; code: string; message: string } };
}

/**
 * A plain `ws` client of a realtime socket, as a user's code would hold one: it keeps every
 * server event in order, and `next(type)` waits for the next one of a type (earlier ones of
 * other types are kept, and skipped).
 */
export class RealtimeTestClient {
  readonly events: RealtimeEvent[] = [];
  private read = 0;
  private waiters: Array<() => void> = [];
  /** The close code and reason, once closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** The headers of the handshake's 101 answer (voxq's `x-voxq-session-id`). */
  headers: Record<string, string | string[] | undefined> = {};

  private constructor(readonly socket: WebSocket) {
    socket.once('upgrade', (res) => (this.headers = res.headers));
    socket.on('message', (data) => {
      this.events.push(parseEvent(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => this.waiters.splice(0).forEach((wake) => wake()));
  }

  /** Opens `url` (`ws://…/v1/realtime?model=…`) with `Authorization: Bearer <key>` when a key is given. */
  static open(url: string, apiKey: string | null): Promise<RealtimeTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
      const client = new RealtimeTestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(Object.assign(new Error(`handshake refused: HTTP ${res.statusCode}`), { refused: refusal(res.statusCode ?? 0, chunks) })));
      });
    });
  }

  /** The refused handshake of `url`: resolves with its status and body, fails if it upgrades. */
  static async refused(url: string, apiKey: string | null): Promise<RefusedHandshake> {
    try {
      const client = await RealtimeTestClient.open(url, apiKey);
      client.socket.terminate();
    } catch (error) {
      const refused = (error as { refused?: RefusedHandshake }).refused;
      if (refused) return refused;
      throw error;
    }
    throw new Error(`${url} upgraded; expected a refusal`);
  }

  send(event: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(event));
  }

  /** The next event of `type` after those already taken (other types in between are passed over). */
  async next(type: string, timeoutMs = 10_000): Promise<RealtimeEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e, i) => i >= this.read && e.type === type);
      if (index >= 0) {
        this.read = index + 1;
        return this.events[index]!;
      }
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed before a '${type}' event; got ${this.types().join(', ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' event within ${timeoutMs} ms; got ${this.types().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every event type received so far, in order. */
  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** Closes with a normal close (1000) and waits for the server's answer. */
  async close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

function refusal(status: number, chunks: Buffer[]): RefusedHandshake {
  const text = Buffer.concat(chunks).toString();
  try {
    return { status, body: JSON.parse(text) as RefusedHandshake['body'] };
  } catch {
    return { status, body: {} };
  }
}

/** A frame as an event; one that is not JSON is kept as `{type: 'not-json', raw}` for the test to see. */
function parseEvent(text: string): RealtimeEvent {
  try {
    return JSON.parse(text) as RealtimeEvent;
  } catch {
    return { type: 'not-json', raw: text };
  }
}
