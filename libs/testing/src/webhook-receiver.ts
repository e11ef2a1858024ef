import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A webhook receiver for tests. It verifies signatures with the `standardwebhooks` package
 * directly, never with voxq's signing code, so a signing bug cannot also hide itself.
 */
export interface ReceivedWebhook {
  /** `webhook-id` header ('' when missing). */
  id: string;
  /** `webhook-timestamp` header, in seconds (NaN when missing). */
  timestamp: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
  /** The signature matched the secret current when the request arrived. */
  verified: boolean;
  /** When it arrived (`Date.now()`), to measure the delays between attempts. */
  at: number;
  /** The status this receiver answered. */
  status: number;
  /** 1-based number of the request. */
  n: number;
}

/** An answer with headers (`Retry-After`, a redirect's `Location`). */
export interface WebhookReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface WebhookReceiverOptions {
  secret: string;
  /** Status (or status and headers) to answer the n-th request (1-based); 200 when omitted. */
  respond?: (req: IncomingMessage, n: number) => number | WebhookReceiverAnswer;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/webhook` */
  url: string;
  received: ReceivedWebhook[];
  /**
   * Resolves with the first request (already received or still to come) for which
   * `predicate` holds; rejects after `timeoutMs` listing what did arrive.
   */
  waitFor(predicate: (webhook: ReceivedWebhook, all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook>;
  /** Verifies later requests against another secret (rotation tests). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export async function startWebhookReceiver({ secret, respond }: WebhookReceiverOptions): Promise<WebhookReceiver> {
  let currentSecret = secret;
  const received: ReceivedWebhook[] = [];
  let requests = 0;
  const waiters = new Set<(webhook: ReceivedWebhook) => void>();

  const server = createServer(async (req, res) => {
    const n = ++requests;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const answer = respond ? respond(req, n) : 200;
    const { status, headers = {} } = typeof answer === 'number' ? { status: answer } : answer;

    let verified = false;
    try {
      new Webhook(currentSecret).verify(rawBody, {
        'webhook-id': header(req.headers, 'webhook-id'),
        'webhook-timestamp': header(req.headers, 'webhook-timestamp'),
        'webhook-signature': header(req.headers, 'webhook-signature'),
      });
      verified = true;
    } catch {
      // A bad signature is what some tests send on purpose: recorded, not thrown.
      verified = false;
    }
    let body: unknown = rawBody;
    try {
      body = JSON.parse(rawBody);
    } catch {
      // Not JSON: kept as text so the test can say what arrived.
    }
    const webhook: ReceivedWebhook = {
      id: header(req.headers, 'webhook-id'),
      timestamp: Number.parseInt(header(req.headers, 'webhook-timestamp'), 10),
      headers: req.headers,
      body,
      rawBody,
      verified,
      at: Date.now(),
      status,
      n,
    };
    received.push(webhook);
    for (const waiter of waiters) waiter(webhook);
    res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`status ${status}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = received.find((w) => predicate(w, received));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (webhook: ReceivedWebhook) => {
          if (!predicate(webhook, received)) return;
          cleanup();
          resolve(webhook);
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = received.map((w) => `#${w.n} ${w.id} → ${w.status}${w.verified ? '' : ' (unverified)'}`);
          reject(new Error(`No matching webhook within ${timeoutMs} ms; received: ${seen.join(', ') || 'nothing'}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    setSecret(next) {
      currentSecret = next;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
