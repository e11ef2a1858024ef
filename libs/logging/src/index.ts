export { createLogger, REDACTED_PATHS } from './logger';
export type { CreateLoggerOptions, Logger } from './logger';
