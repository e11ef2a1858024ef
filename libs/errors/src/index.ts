export { AppError, isAppError, toAppError } from './app-error';
export type { AppErrorOptions, ErrorType, SerializedError } from './app-error';
export { ERROR_CODE_NAMES, ERROR_CODES, isErrorCode } from './error-codes';
export type { ErrorCode, ErrorCodeSpec, NotFoundSubject } from './error-codes';
export { errors, REDIS_RETRY_AFTER_SECONDS } from './errors';
export { isRedisUnavailable } from './redis-unavailable';
