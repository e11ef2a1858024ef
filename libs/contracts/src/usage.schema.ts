import { z } from 'zod';

/** How far back `GET /v1/usage` reads: the day counters are kept this long. */
export const USAGE_MAX_RANGE_DAYS = 400;

/** An ISO 8601 date (`2026-12-01`) or timestamp with its offset (`2026-12-01T12:00:00Z`), as a Date. */
export const isoInstantSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'Use an ISO 8601 date (2026-12-01) or timestamp with its offset (2026-12-01T12:00:00Z).',
  })
  .transform((s) => new Date(s));

/**
 * `GET /v1/usage?from=&to=` (the Speko SDK's `usage.get({from, to})`). Usage is counted per
 * UTC day, so the period is every UTC day from `from`'s through `to`'s, both included.
 */
export const usageQuerySchema = z.strictObject({
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;
