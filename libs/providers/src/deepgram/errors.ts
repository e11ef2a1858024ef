import type { AppError } from '@voxq/errors';
import { errorFromAnswer, tryParseJson, type ErrorReader } from '../engine';
import { deepgramErrorSchema } from './wire.schema';

/** Deepgram's own words (with its request id, for its support) from an error body; undefined for other bodies. */
export const readDeepgramError: ErrorReader = (body) => {
  const error = tryParseJson(body, deepgramErrorSchema);
  if (!error) return undefined;
  const words = 'err_msg' in error ? error.err_msg : error.details ? `${error.message}: ${error.details}` : error.message;
  return { words: error.request_id ? `${words} (request ${error.request_id})` : words };
};

/**
 * Maps a non-2xx answer by status, as for every vendor: 400 (audio it cannot decode, bad
 * options) → rejected, 401/402/403 (key, balance, scope) → misconfigured, 429 and 5xx →
 * unavailable with Retry-After when sent.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromAnswer(provider, status, body, retryAfter, readDeepgramError);
}
