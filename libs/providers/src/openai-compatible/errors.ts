import type { AppError } from '@voxq/errors';
import { errorFromHttpStatus, httpErrorMessage } from '../shared/upstream-errors';
import { wireErrorSchema } from './wire.schema';

export { errorFromFetchFailure } from '../shared/upstream-errors';

/** The upstream's own words from an error body; undefined when it has none (not JSON, other shape). */
function upstreamWords(body: string): string | undefined {
  try {
    const parsed = wireErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      const { error } = parsed.data;
      return typeof error === 'string' ? error : error.message;
    }
  } catch {
    // Not JSON: the caller quotes the raw body.
  }
  return undefined;
}

/** Maps a non-2xx answer to our taxonomy (see `errorFromHttpStatus` for what each status means). */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromHttpStatus(provider, status, httpErrorMessage(status, upstreamWords(body), body), retryAfter);
}
