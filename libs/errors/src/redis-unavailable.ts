/**
 * Recognises "Redis is not there" in what ioredis and BullMQ throw or emit, in this one place:
 * the API answers these with a retryable 503 and the processes log them once per outage
 * instead of a stack trace per request or per reconnect attempt.
 */

/** Socket failures of a connection that cannot reach (or lost) its server. */
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What ioredis and BullMQ say when a command cannot reach Redis: a command that outlived its
 * `maxRetriesPerRequest` reconnects; a command on a closed connection (ioredis' "Connection is
 * closed.", BullMQ's `ConnectionClosedError`); a command with the offline queue off; a Redis
 * still loading its data after a restart; on a cluster, a command that outlived its
 * redirections while a master was failed over, or met a cluster without all its slots
 * served; voxq's own 503 for any of these.
 */
/** What clients read in voxq's own 503 for it (`errors.redisUnavailable`), recognised as the rest. */
export const REDIS_UNAVAILABLE_MESSAGE = 'voxq cannot reach Redis right now; nothing was done. Try again in a few seconds.';

const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);
const UNAVAILABLE_MESSAGES = [
  /^Connection is closed\.?$/,
  /enableOfflineQueue options? is false/,
  /^Reached the max retries per request limit/,
  /^LOADING /,
  /^Too many Cluster redirections/,
  /^CLUSTERDOWN /,
  /^Cluster isn't ready/,
];

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function saysUnavailable(error: ErrorShape): boolean {
  if (error.message === REDIS_UNAVAILABLE_MESSAGE) return true;
  if (typeof error.name === 'string' && UNAVAILABLE_NAMES.has(error.name)) return true;
  return typeof error.message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message as string));
}

/**
 * Whether `error` says Redis cannot be reached now. The ioredis and BullMQ signatures are
 * looked for down the `cause` chain (an AppError wrapping one); a bare socket errno only on
 * `error` itself, since under a wrapper it is as likely S3's or a provider's (they map their own).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (typeof (error as ErrorShape).code === 'string' && CONNECTION_ERRNO.has((error as ErrorShape).code as string)) return true;
  let current: unknown = error;
  // A bounded walk: cause chains can be cyclic.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (saysUnavailable(current as ErrorShape)) return true;
    current = (current as ErrorShape).cause;
  }
  return false;
}
