import type { AppError } from '@voxq/errors';
import { errorFromAnswer, tryParseJson, type ErrorReader } from '../engine';
import { wireErrorSchema } from './wire.schema';

export { errorFromFetchFailure } from '../engine';

/** The upstream's own words from an error body; undefined when it has none (not JSON, other shape). */
export const readOpenAiError: ErrorReader = (body) => {
  const error = tryParseJson(body, wireErrorSchema)?.error;
  return error === undefined ? undefined : { words: typeof error === 'string' ? error : error.message };
};

/** Maps a non-2xx answer to our taxonomy (see `errorFromHttpStatus` for what each status means). */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromAnswer(provider, status, body, retryAfter, readOpenAiError);
}
