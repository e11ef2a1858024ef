export { createLogger, REDACTED_PATHS, scrubSecrets } from './logger';
export type { CreateLoggerOptions, Logger } from './logger';
