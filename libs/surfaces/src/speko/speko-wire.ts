import type { AppError } from '@voxq/errors';

/** The Speko SDK names itself `@spekoai/sdk/<version>` on every request. */
export const isSpekoSdk = (userAgent: string | undefined) => /^@spekoai\/sdk\//i.test(userAgent ?? '');

/** Seed 000's one-shot routes: Speko's own surface, whose errors are Speko's whatever the client. */
export const SPEKO_ONE_SHOT_PATHS: ReadonlySet<string> = new Set(['/v1/transcribe', '/v1/synthesize', '/v1/complete']);

/**
 * Speko's error body, `{error: "<message>", code: "<CODE>"}`, as its SDK reads it (over HTTP
 * and in an SSE `error` event): the message is a string, the code voxq's in Speko's upper
 * case. voxq's `type` and `param` ride along for clients that want them.
 */
export const spekoErrorBody = (error: AppError) => ({ error: error.message, code: error.code.toUpperCase(), type: error.type, param: error.param ?? null });

/** The media ranges an `Accept` header names outright (no wildcards), with their q. */
function namedRanges(accept: string): Map<string, number> {
  const named = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range || range.includes('*')) continue;
    const q = params.find((p) => p.startsWith('q='));
    named.set(range, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return named;
}

/**
 * How `/v1/transcribe` and `/v1/complete` answer: server-sent events or one JSON object.
 * - An `Accept` that names `text/event-stream` or `application/json` gets the one it ranks higher.
 * - Otherwise (no `Accept`, or only wildcards such as `*\/*`, which Node's fetch and curl send):
 *   events for the Speko SDK (it always reads these routes as events ending in `done`),
 *   JSON for everyone else (seed 000's curl examples show JSON).
 */
export function spekoAnswerForm(accept: string | undefined, userAgent: string | undefined): 'events' | 'json' {
  const named = namedRanges(accept ?? '');
  const events = named.get('text/event-stream') ?? 0;
  const json = named.get('application/json') ?? 0;
  if (events > 0 || json > 0) return events > json ? 'events' : 'json';
  return isSpekoSdk(userAgent) ? 'events' : 'json';
}
