export { CAPABILITY_OF, counterField, parseCounterField, USAGE_METRICS, usageOfResult } from './job-usage';
export type { JobUsage, UsageMetric } from './job-usage';
export { PRICE_UNIT, summarizeUsage } from './usage-cost';
export type { PriceOf, UsageLine, UsageTotals } from './usage-cost';
export { sessionCounters, USAGE_RETENTION_DAYS, UsageMeter, utcDay } from './usage-meter';
export type { MeteredJob, MeteredSession, UsageCounters } from './usage-meter';
export { daysOf, UsageReport, usageRangeOf } from './usage-report';
export type { UsageRange } from './usage-report';
