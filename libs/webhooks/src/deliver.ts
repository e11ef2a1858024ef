import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGuardedLookup, type UrlPolicy } from '@voxq/url-guard';

export const WEBHOOK_USER_AGENT = 'voxq-webhooks/0.1';
/** Bytes of the receiver's answer kept for the delivery log; the rest is never read. */
export const EXCERPT_BYTES = 1024;

export interface DeliveryRequest {
  url: string;
  body: string;
  /** The signature headers (`signWebhook`). */
  headers: Record<string, string>;
  /** Budget of the whole attempt: connect, send, and the excerpt of the answer. */
  timeoutMs: number;
  policy: Pick<UrlPolicy, 'allowPrivateNetworks'>;
}

export interface DeliveryResponse {
  status: number;
  ms: number;
  excerpt: string;
  /** The receiver's `Retry-After` header, as sent. */
  retryAfter: string | null;
}

/** Only a 2xx counts: a 3xx is not followed (it could lead anywhere, including inside our network). */
export const isDelivered = (status: number) => status >= 200 && status < 300;

/**
 * One HTTP attempt at a webhook. Resolves with whatever status the receiver answered;
 * rejects on a network error, a refused address, or the timeout. Each attempt opens its
 * own connection (`agent: false`) so the guarded lookup runs on every delivery.
 */
export function deliverWebhook(delivery: DeliveryRequest): Promise<DeliveryResponse> {
  const started = performance.now();
  const url = new URL(delivery.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    // Once the status is known the attempt has an answer, even if its body is cut short.
    const answer = (res: IncomingMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      res.destroy();
      const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
      const retryAfter = res.headers['retry-after'] ?? null;
      resolve({ status: res.statusCode ?? 0, ms: Math.round(performance.now() - started), excerpt, retryAfter });
    };

    const req = request(url, {
      method: 'POST',
      agent: false,
      lookup: createGuardedLookup(delivery.policy),
      headers: {
        ...delivery.headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(delivery.body),
        'user-agent': WEBHOOK_USER_AGENT,
      },
    });
    const timer = setTimeout(() => {
      if (response) answer(response);
      else fail(new Error(`timed out after ${delivery.timeoutMs} ms`));
    }, delivery.timeoutMs);

    req.once('error', fail);
    req.once('response', (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) answer(res);
      });
      res.once('end', () => answer(res));
      res.once('close', () => answer(res));
      res.once('error', () => answer(res));
    });
    req.end(delivery.body);
  });
}
