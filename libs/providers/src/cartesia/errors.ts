import type { AppError } from '@voxq/errors';
import { errorFromAnswer, tryParseJson, type ErrorReader } from '../engine';
import { wireErrorSchema } from './wire.schema';

/** The upstream's own words from a JSON error body; undefined for text (quoted raw). */
export const readCartesiaError: ErrorReader = (body) => {
  const error = tryParseJson(body, wireErrorSchema);
  if (!error) return undefined;
  if ('message' in error) {
    const code = error.error_code ? `${error.error_code}: ` : '';
    return { words: `${code}${error.message}` };
  }
  return { words: error.error };
};

/**
 * Maps a non-2xx answer by status, as for every vendor: 401/402/403 → misconfigured
 * (key, credits), 400/422 → rejected, 429 (concurrency limit) and 5xx → unavailable, with
 * Retry-After when sent.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromAnswer(provider, status, body, retryAfter, readCartesiaError);
}
