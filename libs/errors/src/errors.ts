import { AppError } from './app-error';

/** Constructors for the errors voxq raises, so codes and flags stay consistent. */
export const errors = {
  invalidRequest: (message: string, param?: string, code = 'invalid_request') =>
    new AppError({ code, message, type: 'invalid_request_error', status: 400, ...(param ? { param } : {}) }),

  unsupportedMediaType: (message: string) =>
    new AppError({ code: 'unsupported_media_type', message, type: 'invalid_request_error', status: 415 }),

  payloadTooLarge: (message: string) =>
    new AppError({ code: 'payload_too_large', message, type: 'invalid_request_error', status: 413 }),

  unauthenticated: (message = 'Missing or invalid API key. Send `Authorization: Bearer <key>`.') =>
    new AppError({ code: 'invalid_api_key', message, type: 'authentication_error', status: 401 }),

  notFound: (what: string, id: string) =>
    new AppError({ code: `${what}_not_found`, message: `No ${what} with id '${id}'.`, type: 'not_found_error', status: 404 }),

  routeNotFound: (method: string, path: string) =>
    new AppError({ code: 'route_not_found', message: `No route ${method} ${path}.`, type: 'not_found_error', status: 404 }),

  conflict: (code: string, message: string) => new AppError({ code, message, type: 'conflict_error', status: 409 }),

  /** The caller's API key is over its request rate: try again after `retryAfterSeconds` (whole, at least 1). */
  rateLimited: (message: string, retryAfterSeconds: number) =>
    new AppError({
      code: 'rate_limit_exceeded',
      message,
      type: 'rate_limit_error',
      status: 429,
      retryable: true,
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    }),

  /** The tenant's usage allowance (jobs this month) cannot cover the request: 402, nothing was queued. */
  allowanceExhausted: (message: string) =>
    new AppError({ code: 'allowance_exhausted', message, type: 'permission_error', status: 402 }),

  /** The upstream is unavailable, slow or overloaded: another provider or a later attempt may help. */
  providerUnavailable: (provider: string, message: string, cause?: unknown, retryAfterSeconds?: number) =>
    new AppError({
      code: 'provider_unavailable',
      message: `${provider}: ${message}`,
      type: 'provider_error',
      status: 502,
      retryable: true,
      failover: true,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      cause,
    }),

  /** The upstream is misconfigured for us (bad key, missing binary): another provider may help, a retry will not. */
  providerMisconfigured: (provider: string, message: string, cause?: unknown) =>
    new AppError({
      code: 'provider_misconfigured',
      message: `${provider}: ${message}`,
      type: 'provider_error',
      status: 502,
      retryable: false,
      failover: true,
      cause,
    }),

  /** The upstream rejected the input itself: no provider and no retry will help. */
  providerRejectedInput: (provider: string, message: string, cause?: unknown) =>
    new AppError({
      code: 'provider_rejected_input',
      message: `${provider}: ${message}`,
      type: 'invalid_request_error',
      status: 400,
      cause,
    }),

  /**
   * Every candidate is cooling down or at its limit: nothing failed, the job just waits
   * (delayed, not retried) until `retryAt`, without holding a worker.
   */
  providersBusy: (message: string, retryAt: number) =>
    new AppError({ code: 'providers_busy', message, type: 'provider_error', status: 503, retryable: true, retryAt }),

  noProvider: (message: string) =>
    new AppError({ code: 'no_provider_available', message, type: 'invalid_request_error', status: 400 }),

  cancelled: (message = 'The job was cancelled.') =>
    new AppError({ code: 'job_cancelled', message, type: 'invalid_request_error', status: 409 }),

  internal: (message: string, cause?: unknown) =>
    new AppError({ code: 'internal_error', message, type: 'api_error', status: 500, retryable: true, cause }),

  unavailable: (message: string, cause?: unknown) =>
    new AppError({ code: 'service_unavailable', message, type: 'api_error', status: 503, retryable: true, cause }),
};
