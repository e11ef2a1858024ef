import { request } from 'undici';
import { upstreamAgent as agent } from './http-client';
import type { HttpResponse } from './http-client';


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
