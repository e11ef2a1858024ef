/**
 * The one error taxonomy of voxq. Every failure that crosses a module boundary is an
 * `AppError` whose `code` is stable (clients and dashboards match on it) and whose flags
 * say what can help:
 * - `retryable`: the same request may succeed if tried again later (timeouts, 5xx, 429).
 * - `failover`: another provider may succeed now (the upstream itself is the problem).
 * Neither: the input is at fault and nothing will help, so the job fails at once.
 */
import { ERROR_CODES, type ErrorCode } from './error-codes';

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'provider_error'
  | 'api_error';

export interface AppErrorOptions {
  /** One of `ERROR_CODES`: an unknown code does not compile. */
  code: ErrorCode;
  message: string;
  type: ErrorType;
  /**
   * HTTP status when this error reaches a client through the API.
   * @defaultValue the code's status in `ERROR_CODES`
   */
  status?: number;
  /** @defaultValue false (the `errors.*` constructors pass the code's flag from `ERROR_CODES`) */
  retryable?: boolean;
  /** @defaultValue false (as `retryable`) */
  failover?: boolean;
  /** The request field at fault, in dotted form (`input.messages.0.role`). */
  param?: string;
  /** Seconds the caller should wait before trying again (429s). */
  retryAfterSeconds?: number;
  /** When (epoch ms) trying again can first succeed: the job waits, delayed, until then. */
  retryAt?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly status: number;
  readonly retryable: boolean;
  readonly failover: boolean;
  readonly param: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly retryAt: number | undefined;

  constructor(options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.type = options.type;
    this.status = options.status ?? ERROR_CODES[options.code].status;
    this.retryable = options.retryable ?? false;
    this.failover = options.failover ?? false;
    this.param = options.param;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.retryAt = options.retryAt;
  }

  /** The serialisable form kept with a failed job and sent in `job.failed` webhooks. */
  toJSON(): SerializedError {
    return {
      type: this.type,
      code: this.code,
      message: this.message,
      ...(this.param === undefined ? {} : { param: this.param }),
      retryable: this.retryable,
    };
  }
}

export interface SerializedError {
  type: ErrorType;
  code: ErrorCode;
  message: string;
  param?: string;
  retryable: boolean;
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps anything thrown into an AppError; unknown errors are internal and retryable. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError({
    code: 'internal_error',
    type: 'api_error',
    status: 500,
    message: `Internal error: ${message}`,
    retryable: true,
    cause: value,
  });
}
