import { AppError } from './app-error';
import { ERROR_CODES, type ErrorCode, type NotFoundSubject } from './error-codes';
import { REDIS_UNAVAILABLE_MESSAGE } from './redis-unavailable';

/** What a 503 for Redis being away tells clients to wait: ioredis retries every 2 s at most. */
export const REDIS_RETRY_AFTER_SECONDS = 5;

/** The status and flags `ERROR_CODES` gives `code`, spread into each error below. */
const spec = (code: ErrorCode) => ({ code, ...ERROR_CODES[code] });

/** Constructors for the errors voxq raises, so codes and flags stay consistent. */
export const errors = {
  invalidRequest: (message: string, param?: string, code: ErrorCode = 'invalid_request') =>
    new AppError({ code, message, type: 'invalid_request_error', status: 400, ...(param ? { param } : {}) }),

  unsupportedMediaType: (message: string) => new AppError({ ...spec('unsupported_media_type'), message, type: 'invalid_request_error' }),

  payloadTooLarge: (message: string) => new AppError({ ...spec('payload_too_large'), message, type: 'invalid_request_error' }),

  unauthenticated: (message = 'Missing or invalid API key. Send `Authorization: Bearer <key>`.') =>
    new AppError({ ...spec('invalid_api_key'), message, type: 'authentication_error' }),

  notFound: (what: NotFoundSubject, id: string) =>
    new AppError({ ...spec(`${what}_not_found`), message: `No ${what} with id '${id}'.`, type: 'not_found_error' }),

  /** OpenAI's wording and code, so its SDK raises `NotFoundError` as it would against OpenAI. */
  modelNotFound: (model: string) =>
    new AppError({
      ...spec('model_not_found'),
      message: `The model '${model}' does not exist or you do not have access to it. GET /v1/models lists the configured models and aliases.`,
      type: 'invalid_request_error',
      param: 'model',
    }),

  routeNotFound: (method: string, path: string) =>
    new AppError({ ...spec('route_not_found'), message: `No route ${method} ${path}.`, type: 'not_found_error' }),

  conflict: (code: ErrorCode, message: string) => new AppError({ code, message, type: 'conflict_error', status: 409 }),

  /** The caller's API key is over its request rate: try again after `retryAfterSeconds` (whole, at least 1). */
  rateLimited: (message: string, retryAfterSeconds: number) =>
    new AppError({
      ...spec('rate_limit_exceeded'),
      message,
      type: 'rate_limit_error',
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    }),

  /** The tenant's realtime sessions are at their limit: a 429 before the upgrade, retried once one closes. */
  tooManySessions: (open: number, limit: number) =>
    new AppError({
      ...spec('too_many_sessions'),
      message: `This tenant has ${open} realtime sessions open, the most it may hold at once (${limit}); close one and try again.`,
      type: 'rate_limit_error',
      retryAfterSeconds: 5,
    }),

  /** A plain request to a route that only takes a WebSocket handshake. */
  upgradeRequired: (path: string) =>
    new AppError({
      ...spec('upgrade_required'),
      message: `${path} is a WebSocket: open it with a WebSocket client (Connection: Upgrade, Upgrade: websocket).`,
      type: 'invalid_request_error',
    }),

  /** The tenant's usage allowance (jobs this month) cannot cover the request: 402, nothing was queued. */
  allowanceExhausted: (message: string) => new AppError({ ...spec('allowance_exhausted'), message, type: 'permission_error' }),

  /** The upstream is unavailable, slow or overloaded: another provider or a later attempt may help. */
  providerUnavailable: (provider: string, message: string, cause?: unknown, retryAfterSeconds?: number) =>
    new AppError({
      ...spec('provider_unavailable'),
      message: `${provider}: ${message}`,
      type: 'provider_error',
      retryAfterSeconds,
      cause,
    }),

  /** The upstream is misconfigured for us (bad key, missing binary): another provider may help, a retry will not. */
  providerMisconfigured: (provider: string, message: string, cause?: unknown) =>
    new AppError({
      ...spec('provider_misconfigured'),
      message: `${provider}: ${message}`,
      type: 'provider_error',
      cause,
    }),

  /** The upstream rejected the input itself: no provider and no retry will help. */
  providerRejectedInput: (provider: string, message: string, cause?: unknown) =>
    new AppError({
      ...spec('provider_rejected_input'),
      message: `${provider}: ${message}`,
      type: 'invalid_request_error',
      cause,
    }),

  /**
   * Every candidate is cooling down or at its limit: nothing failed, the job just waits
   * (delayed, not retried) until `retryAt`, without holding a worker.
   */
  providersBusy: (message: string, retryAt: number) => new AppError({ ...spec('providers_busy'), message, type: 'provider_error', retryAt }),

  noProvider: (message: string) => new AppError({ ...spec('no_provider_available'), message, type: 'invalid_request_error' }),

  cancelled: (message = 'The job was cancelled.') => new AppError({ ...spec('job_cancelled'), message, type: 'invalid_request_error' }),

  /** A caller waited as long as its route waits; the job goes on. */
  jobWaitTimeout: (jobId: string, status: string, waitMs: number) =>
    new AppError({
      ...spec('job_wait_timeout'),
      type: 'api_error',
      message: `Job ${jobId} is still ${status} after ${Math.round(waitMs / 1000)} s; it goes on: poll GET /v1/jobs/${jobId}.`,
    }),

  /** A streamed reply's provider failed after part of it was sent; the job goes on. */
  streamInterrupted: (jobId: string, provider: string, why: string) =>
    new AppError({
      ...spec('stream_interrupted'),
      type: 'api_error',
      message: `The reply from ${provider} stopped after part of it was sent (${why}). The job goes on with another provider or attempt; its whole result will be at GET /v1/jobs/${jobId}.`,
    }),

  internal: (message: string, cause?: unknown) => new AppError({ ...spec('internal_error'), message, type: 'api_error', cause }),

  unavailable: (message: string, cause?: unknown) => new AppError({ ...spec('service_unavailable'), message, type: 'api_error', cause }),

  /**
   * Too many finished jobs wait in Redis for the history tier (Postgres down or behind):
   * new work waits until the mover catches up, rather than filling Redis until every write fails.
   */
  historyBacklogFull: (waiting: number, max: number) =>
    new AppError({
      ...spec('service_unavailable'),
      message: `${waiting} finished jobs are waiting to be written to the history database (limit ${max}); new jobs are refused until it catches up. Try again later.`,
      type: 'api_error',
      retryAfterSeconds: 30,
    }),

  /**
   * Redis cannot be reached (`isRedisUnavailable`): nothing was read or queued; the client tries
   * again after a few seconds, about as long as ioredis takes to reconnect to a restarted Redis.
   */
  redisUnavailable: (cause?: unknown) =>
    new AppError({
      ...spec('service_unavailable'),
      message: REDIS_UNAVAILABLE_MESSAGE,
      type: 'api_error',
      retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS,
      cause,
    }),
};
