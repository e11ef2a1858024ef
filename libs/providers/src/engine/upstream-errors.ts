import { errors, type AppError } from '@voxq/errors';
import { scrubSecrets } from '@voxq/logging';
import { abortError } from '../shared/abort';
import { excerpt } from '../shared/excerpt';
import { parseRetryAfter } from '../shared/retry-after';

/** What a vendor's error envelope says, read by its folder's `errors.ts`. */
export interface ErrorReading {
  /** The upstream's own words, quoted in the error message. */
  words?: string;
  /**
   * The envelope names our configuration at fault whatever the status (ElevenLabs'
   * `voice_not_found` on a 400): misconfigured, unless the status is a 5xx.
   */
  misconfigured?: boolean;
}

/** Reads a vendor's error body; undefined when the body is not its envelope (a proxy's page). */
export type ErrorReader = (body: string) => ErrorReading | undefined;

/**
 * `HTTP <status>: <words>`: the upstream's own message when its error envelope had one,
 * else a short excerpt of the raw body (an HTML page from a proxy, say).
 */
export function httpErrorMessage(status: number, upstreamWords: string | undefined, body: string): string {
  // Masked: a vendor's 401 may quote the key it was sent, and this message reaches the tenant.
  const text = scrubSecrets(upstreamWords ?? excerpt(body, 200));
  return text ? `HTTP ${status}: ${text}` : `HTTP ${status}`;
}

/**
 * Maps a non-2xx answer to our taxonomy; vendors differ in their envelopes, not in what a
 * status means:
 * - 408/409/425/429/5xx (Anthropic's 529 too): the upstream is busy or broken → unavailable
 *   (retry, fail over), keeping `Retry-After`.
 * - 401/402/403/404: our key, plan, model or base URL is wrong → misconfigured (fail over only).
 * - 400/413/422: the input itself is refused → rejected (fail the job).
 * Any other 4xx means this server does not speak the request we built, which another
 * provider may, so it counts as misconfigured.
 */
export function errorFromHttpStatus(provider: string, status: number, message: string, retryAfter: string | null): AppError {
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) {
    return errors.providerUnavailable(provider, message, undefined, parseRetryAfter(retryAfter));
  }
  if (status === 400 || status === 413 || status === 422) return errors.providerRejectedInput(provider, message);
  return errors.providerMisconfigured(provider, message);
}

/** Maps a non-2xx answer with the vendor's reader: its words in the message, the status's meaning. */
export function errorFromAnswer(provider: string, status: number, body: string, retryAfter: string | null, read: ErrorReader): AppError {
  const reading = read(body);
  const message = httpErrorMessage(status, reading?.words, body);
  if (reading?.misconfigured && status < 500) return errors.providerMisconfigured(provider, message);
  return errorFromHttpStatus(provider, status, message, retryAfter);
}

/** Maps a request that threw: an abort (timeout or cancel) or a connection failure. */
export function errorFromFetchFailure(provider: string, error: unknown, signal: AbortSignal): AppError {
  if (signal.aborted) return abortError(provider, signal);
  // fetch wraps the socket error as `cause`; undici's request throws it (or its own) directly.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const detail = cause instanceof Error ? ('code' in cause && typeof cause.code === 'string' ? cause.code : cause.message) : String(cause);
  return errors.providerUnavailable(provider, `connection failed (${detail})`, error);
}
