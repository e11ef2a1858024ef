// What an API key and its records are, apart from Redis (`ApiKeyStore`): the key's format and
// its hash at rest, tenant ids, and a key's own rate limit as stored in its hash fields.
import { createHash, randomBytes } from 'node:crypto';

/** A tenant id: lower-case, URL-safe, short enough for key names and logs. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A key's own rate limit, in place of `API_RATE_LIMIT_PER_SECOND` / `API_RATE_LIMIT_BURST`. */
export interface KeyRateLimit {
  /** Requests per second; 0 = unlimited. */
  perSecond: number;
  /** Extra requests per 10-second window above the rate; unset = the default burst. */
  burst?: number;
}

/** Hash fields of a key's rate limit, on both of its records; absent = the default. */
export const RATE_FIELDS = ['rateLimitPerSecond', 'rateLimitBurst'] as const;

export const rateFields = (limit: KeyRateLimit | undefined): Record<string, string> =>
  limit ? { rateLimitPerSecond: String(limit.perSecond), ...(limit.burst === undefined ? {} : { rateLimitBurst: String(limit.burst) }) } : {};

export function rateLimitOf(perSecond: string | null | undefined, burst: string | null | undefined): KeyRateLimit | undefined {
  if (perSecond === null || perSecond === undefined || perSecond === '') return undefined;
  return { perSecond: Number(perSecond), ...(burst === null || burst === undefined || burst === '' ? {} : { burst: Number(burst) }) };
}

export function assertRateLimit(limit: KeyRateLimit | undefined): void {
  if (!limit) return;
  for (const [name, value] of [
    ['rate limit', limit.perSecond],
    ['burst', limit.burst],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) throw new Error(`Invalid ${name} '${value}': use a whole number, 0 or more.`);
  }
}

/**
 * API keys are 256-bit random tokens, so a plain SHA-256 is the right hash at rest: no
 * password stretching is needed for a secret nobody can guess, and lookups stay O(1).
 */
export const hashApiKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

/** A new API key: `vq_` and 256 random bits, base64url. */
export const newApiKey = (): string => `vq_${randomBytes(32).toString('base64url')}`;
