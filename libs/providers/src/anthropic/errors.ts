import type { AppError } from '@voxq/errors';
import { errorFromAnswer, tryParseJson, type ErrorReader } from '../engine';
import { wireErrorSchema } from './wire.schema';

export { errorFromFetchFailure } from '../engine';

/** Anthropic's own words from its error envelope, with the error type (`overloaded_error`). */
export const readAnthropicError: ErrorReader = (body) => {
  const error = tryParseJson(body, wireErrorSchema)?.error;
  if (!error) return undefined;
  return { words: error.type ? `${error.type}: ${error.message}` : error.message };
};

/**
 * Maps a non-2xx answer. Anthropic's statuses mean what everyone's do (429 rate_limit_error,
 * 500 api_error and 529 overloaded_error → unavailable; 401/403/404 → misconfigured;
 * 400/413 → rejected), so only the envelope is Anthropic's.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromAnswer(provider, status, body, retryAfter, readAnthropicError);
}
