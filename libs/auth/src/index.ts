export { ApiKeyStore, TENANT_ID_PATTERN } from './api-keys';
export type { ApiKeyRecord, CreatedApiKey, KeyRateLimit, Principal } from './api-keys';
export { ApiRateLimiter, BURST_WINDOW_SECONDS, effectiveRateLimit } from './api-rate-limiter';
export type { RateLimit, RateLimitDecision } from './api-rate-limiter';
export { UsageAllowance, usagePeriodOf } from './usage-allowance';
export type { TenantUsage, UsagePeriod } from './usage-allowance';
