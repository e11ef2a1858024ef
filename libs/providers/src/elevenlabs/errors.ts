import { errors, type AppError } from '@voxq/errors';
import { tryParseJson } from '../shared/json-body';
import { errorFromHttpStatus, httpErrorMessage } from '../shared/upstream-errors';
import { wireErrorSchema } from './wire.schema';

/** `detail.status` codes that name our configuration, not the input, at fault. */
const MISCONFIGURED = new Set(['voice_not_found', 'model_not_found']);

interface Detail {
  /** ElevenLabs' error code, e.g. `quota_exceeded`. */
  code?: string;
  words: string;
}

function readDetail(body: string): Detail | undefined {
  const parsed = tryParseJson(body, wireErrorSchema);
  if (!parsed) return undefined;
  const { detail } = parsed;
  if (typeof detail === 'string') return { words: detail };
  if (Array.isArray(detail)) {
    return { words: detail.map((issue) => (issue.loc ? `${issue.loc.join('.')}: ${issue.msg}` : issue.msg)).join('; ') };
  }
  return { ...(detail.status ? { code: detail.status } : {}), words: detail.status ? `${detail.status}: ${detail.message}` : detail.message };
}

/**
 * Maps a non-2xx answer by status like every vendor (401 bad key or `quota_exceeded`,
 * 402/403/404 → misconfigured; 400/422 → rejected; 429 `too_many_concurrent_requests` or
 * `system_busy`, 5xx → unavailable with Retry-After), except that a missing voice or model
 * is our configuration's fault even when ElevenLabs answers 400.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  const detail = readDetail(body);
  const message = httpErrorMessage(status, detail?.words, body);
  if (detail?.code && MISCONFIGURED.has(detail.code) && status < 500) return errors.providerMisconfigured(provider, message);
  return errorFromHttpStatus(provider, status, message, retryAfter);
}
