import type { AppError } from '@voxq/errors';
import { tryParseJson } from '../shared/json-body';
import { errorFromHttpStatus, httpErrorMessage } from '../shared/upstream-errors';
import { wireErrorSchema } from './wire.schema';

export { errorFromFetchFailure } from '../shared/upstream-errors';

/** The upstream's own words from an error body; undefined when it has none (not JSON, other shape). */
function upstreamWords(body: string): string | undefined {
  const error = tryParseJson(body, wireErrorSchema)?.error;
  return error === undefined ? undefined : typeof error === 'string' ? error : error.message;
}

/** Maps a non-2xx answer to our taxonomy (see `errorFromHttpStatus` for what each status means). */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromHttpStatus(provider, status, httpErrorMessage(status, upstreamWords(body), body), retryAfter);
}
