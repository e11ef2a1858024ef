import { Agent, request } from 'undici';
import type { HttpResponse } from './http-client';

/**
 * The pool for uploads (audio, multipart forms), with the settings of `http-client.ts`'s
 * JSON pool. Upload bodies are large and slow to send, so keeping them off the JSON pool
 * also keeps a burst of transcriptions from queueing chat calls behind them.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });

/**
 * POSTs a ready-made body (binary audio, an encoded multipart form) and reads the whole
 * answer as text. The caller sets `content-type`. Throws on connection failure or abort.
 */
export async function postBody(url: string, body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { accept: 'application/json', ...headers },
    body,
    signal,
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}
