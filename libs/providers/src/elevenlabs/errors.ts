import type { AppError } from '@voxq/errors';
import { errorFromAnswer, tryParseJson, type ErrorReader } from '../engine';
import { wireErrorSchema } from './wire.schema';

/** `detail.status` codes that name our configuration, not the input, at fault. */
const MISCONFIGURED = new Set(['voice_not_found', 'model_not_found']);

/** ElevenLabs' code and message, each validation issue, or nothing (a proxy's page). */
export const readElevenLabsError: ErrorReader = (body) => {
  const parsed = tryParseJson(body, wireErrorSchema);
  if (!parsed) return undefined;
  const { detail } = parsed;
  if (typeof detail === 'string') return { words: detail };
  if (Array.isArray(detail)) {
    return { words: detail.map((issue) => (issue.loc ? `${issue.loc.join('.')}: ${issue.msg}` : issue.msg)).join('; ') };
  }
  return {
    words: detail.status ? `${detail.status}: ${detail.message}` : detail.message,
    misconfigured: MISCONFIGURED.has(detail.status ?? ''),
  };
};

/**
 * Maps a non-2xx answer by status like every vendor (401 bad key or `quota_exceeded`,
 * 402/403/404 → misconfigured; 400/422 → rejected; 429 `too_many_concurrent_requests` or
 * `system_busy`, 5xx → unavailable with Retry-After), except that a missing voice or model
 * is our configuration's fault even when ElevenLabs answers 400.
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfter: string | null): AppError {
  return errorFromAnswer(provider, status, body, retryAfter, readElevenLabsError);
}
