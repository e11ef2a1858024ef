import { errors, type AppError } from '@voxq/errors';
import { excerpt } from '../shared/excerpt';
import { parseRetryAfter } from '../shared/retry-after';
import { deepgramErrorSchema } from './wire.schema';

/** Deepgram's own words (and request id, for its support) from an error body, else an excerpt. */
function upstreamMessage(status: number, body: string): string {
  try {
    const parsed = deepgramErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      const error = parsed.data;
      const message = 'err_msg' in error ? error.err_msg : error.details ? `${error.message}: ${error.details}` : error.message;
      return `HTTP ${status}: ${message}${error.request_id ? ` (request ${error.request_id})` : ''}`;
    }
  } catch {
    // Not JSON: fall through to the raw excerpt.
  }
  const text = excerpt(body, 200);
  return text ? `HTTP ${status}: ${text}` : `HTTP ${status}`;
}

/**
 * Maps a non-2xx answer from Deepgram to our taxonomy:
 * - 408/429/5xx: busy or broken → unavailable (retry after `Retry-After`, fail over).
 * - 400/413/422: the audio or its parameters are refused → rejected (fail the job).
 * - 401/402/403, and anything else: our key, balance or base URL is wrong → misconfigured.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  const message = upstreamMessage(status, body);
  if (status === 408 || status === 429 || status >= 500) {
    return errors.providerUnavailable(provider, message, undefined, parseRetryAfter(retryAfter));
  }
  if (status === 400 || status === 413 || status === 422) return errors.providerRejectedInput(provider, message);
  return errors.providerMisconfigured(provider, message);
}
