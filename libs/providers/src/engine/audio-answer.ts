import { errors } from '@voxq/errors';
import type { AnswerSpec, AnswerStream } from './answer';
import type { UpstreamHeaders } from './upstream-agent';

/** An audio answer as read: the whole body (audio on success, the vendor's error text otherwise). */
export interface AudioHttpResponse {
  status: number;
  headers: UpstreamHeaders;
  body: Buffer;
  /** The `content-type` header, lower-cased, or null when absent. */
  contentType: string | null;
}

/** The audio of a 2xx answer and the type the vendor labelled it with. */
export interface AudioAnswer {
  audio: Buffer;
  contentType: string | null;
}

export interface AudioAnswerOptions {
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
 * Reads the whole body as bytes. Throws on an oversized body, or a body cut short of its
 * `content-length` (undici checks it), so a truncated answer can never pass for short audio.
 */
async function readCapped(body: AnswerStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Types that carry words, never audio: a gateway's error page or an API's JSON envelope. */
const NOT_AUDIO = /^(application\/([\w.+-]+\+)?json|text\/)/;

/**
 * The audio of a 2xx answer. An empty body, or JSON or text where audio belongs, is a broken
 * upstream (provider_unavailable), so the router fails over instead of storing silence.
 */
export function audioBody(provider: string, response: Pick<AudioHttpResponse, 'body' | 'contentType'>): Buffer {
  if (response.contentType !== null && NOT_AUDIO.test(response.contentType)) {
    throw errors.providerUnavailable(provider, `malformed response: expected audio, got ${response.contentType}`);
  }
  if (response.body.length === 0) throw errors.providerUnavailable(provider, 'malformed response: empty audio body');
  return response.body;
}

/** An audio answer (speech): bytes, capped, never JSON or text on a 2xx. */
export function audioAnswer(options: AudioAnswerOptions = {}): AnswerSpec<AudioAnswer> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  return {
    accept: 'audio/*, application/json;q=0.5',
    read: (body) => readCapped(body, maxBytes),
    parse: (provider, answer) => {
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
      return { audio: audioBody(provider, { body, contentType: answer.contentType }), contentType: answer.contentType };
    },
  };
}
