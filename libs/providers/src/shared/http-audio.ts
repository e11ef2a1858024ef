import { errors } from '@voxq/errors';
import { request } from 'undici';
import { upstreamAgent as agent } from './http-client';
import type { HttpResponse } from './http-client';

export interface AudioHttpResponse {
  status: number;
  headers: HttpResponse['headers'];
  /** The whole body: audio on success, the vendor's error text otherwise. */
  body: Buffer;
  /** The `content-type` header, lower-cased, or null when absent. */
  contentType: string | null;
}

export interface PostForAudioOptions {
  /**
   * A body beyond this is not speech we asked for; the read stops and throws.
   * @defaultValue 64 MiB (over half an hour of 16-bit mono PCM at 24 kHz)
   */
  maxBytes?: number;
}


class BodyTooLarge extends Error {
  constructor(maxBytes: number) {
    super(`response body exceeds ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * POSTs JSON and reads the whole answer as bytes, whatever its status. Throws on connection
 * failure, abort, an oversized body, or a body cut short of its `content-length` (undici
 * checks it), so a truncated answer can never pass for short audio.
 */
export async function postJsonForAudio(
  url: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
  options: PostForAudioOptions = {},
): Promise<AudioHttpResponse> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', accept: 'audio/*, application/json;q=0.5', ...headers },
    body: JSON.stringify(payload),
    signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  const type = response.headers['content-type'];
  const contentType = (Array.isArray(type) ? type[0] : type)?.toLowerCase() ?? null;
  return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks, size), contentType };
}

/** Types that carry words, never audio: a gateway's error page or an API's JSON envelope. */
const NOT_AUDIO = /^(application\/([\w.+-]+\+)?json|text\/)/;

/**
 * The audio of a 2xx answer. An empty body, or JSON or text where audio belongs, is a broken
 * upstream (provider_unavailable), so the router fails over instead of storing silence.
 */
export function audioBody(provider: string, response: AudioHttpResponse): Buffer {
  if (response.contentType !== null && NOT_AUDIO.test(response.contentType)) {
    throw errors.providerUnavailable(provider, `malformed response: expected audio, got ${response.contentType}`);
  }
  if (response.body.length === 0) throw errors.providerUnavailable(provider, 'malformed response: empty audio body');
  return response.body;
}
