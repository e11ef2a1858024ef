import type { UpstreamHeaders } from './upstream-agent';

/** An answer as read off the wire, whatever its status. */
export interface RawAnswer {
  status: number;
  headers: UpstreamHeaders;
  /** Text for JSON answers, bytes for audio ones. */
  body: string | Buffer;
  /** The `content-type` header, lower-cased, or null when absent. */
  contentType: string | null;
}

/** The body of an answer, as undici streams it. */
export interface AnswerStream extends AsyncIterable<Buffer> {
  text(): Promise<string>;
  destroy(): unknown;
}

/**
 * How a call reads and checks its answer: what it accepts, how it reads the body (error
 * bodies are read the same way), and what a 2xx body must be. `jsonAnswer` and
 * `audioAnswer` are the two kinds vendors send.
 */
export interface AnswerSpec<T> {
  /** The request's `accept` header. */
  accept: string;
  read(body: AnswerStream): Promise<string | Buffer>;
  /** The value of a 2xx answer; throws `provider_unavailable` when it is not what was asked for. */
  parse(provider: string, answer: RawAnswer): T;
}

/** An answer's body as text, for error envelopes. */
export const answerText = (answer: RawAnswer): string => (typeof answer.body === 'string' ? answer.body : answer.body.toString('utf8'));
