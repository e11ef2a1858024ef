export { AppError, isAppError, toAppError } from './app-error';
export type { AppErrorOptions, ErrorType, SerializedError } from './app-error';
export { errors } from './errors';
