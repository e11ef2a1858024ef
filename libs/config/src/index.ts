export { ConfigError, loadConfig } from './config';
export type { Config } from './config';
export { envSchema } from './env.schema';
export type { Env } from './env.schema';
