export { ConfigError, loadConfig, loadProcessConfig, readEnvFragment } from './config';
export type { Config } from './config';
export { envSchema } from './env.schema';
export type { Env } from './env.schema';
export type { EnvFragment } from './env-fragment';
export { catalogOverrideSchema, configFileSchema, PROVIDER_NAME, providerLimitsSchema } from './config-file.schema';
export type { CatalogOverride, ConfigFile, ProviderLimits } from './config-file.schema';
export { parseDuration } from './duration';
export { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from './env.schema';
