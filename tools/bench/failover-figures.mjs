// The failover phase's figures, read from the job records voxq wrote: each run's outcome
// (status, who served each job, failovers, the primary's errors) and its latency spread.
import { redisKeys } from '../lib/redis-keys.mjs';
import { percentile } from './http-load.mjs';

/** Rounds to `digits` places; null for a figure that could not be measured (no jobs, 0/0). */
export const round = (n, digits = 0) => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** The records of `ids` (status, times, attempts, result, error), in pipelines of 1,000. */
export async function readRecords(redis, prefix, ids) {
  const keys = redisKeys(prefix);
  const out = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + 1000)) pipeline.hmget(keys.jobs.record(id), 'status', 'createdAt', 'finishedAt', 'attempts', 'result', 'error');
    for (const [error, row] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const [status, createdAt, finishedAt, attempts, result, failure] = row;
      out.push({
        status,
        createdAt: createdAt ? Date.parse(createdAt) : null,
        finishedAt: finishedAt ? Date.parse(finishedAt) : null,
        attempts: Number(attempts ?? 0),
        result: result ? JSON.parse(result) : null,
        error: failure ? JSON.parse(failure) : null,
      });
    }
  }
  return out;
}

export const inc = (o, key, by = 1) => void (o[key] = (o[key] ?? 0) + by);

/** What one run's records say. */
export function summarise(records, primary) {
  const status = {};
  const servedBy = {};
  const firstTried = {};
  const failedCodes = {};
  const latencies = [];
  const failoverLatencies = [];
  const direct = [];
  let failovers = 0;
  let failedOver = 0;
  let retried = 0;
  let primaryCalls = 0;
  let primaryErrors = 0;
  let firstCreated = Infinity;
  let lastFinished = -Infinity;
  for (const r of records) {
    inc(status, r.status ?? 'missing');
    if (r.attempts > 1) retried++;
    if (r.createdAt !== null) firstCreated = Math.min(firstCreated, r.createdAt);
    if (r.finishedAt !== null) lastFinished = Math.max(lastFinished, r.finishedAt);
    if (r.status === 'failed') inc(failedCodes, r.error?.code ?? 'unknown');
    if (r.status !== 'completed' || !r.result) continue;
    const { provider, failoverCount = 0, providerAttempts = [] } = r.result;
    inc(servedBy, provider);
    if (providerAttempts[0]) inc(firstTried, providerAttempts[0].provider);
    for (const a of providerAttempts) {
      if (a.provider !== primary) continue;
      primaryCalls++;
      if (a.error) primaryErrors++;
    }
    failovers += failoverCount;
    if (failoverCount > 0) failedOver++;
    const ms = r.finishedAt - r.createdAt;
    latencies.push(ms);
    (failoverCount > 0 ? failoverLatencies : direct).push(ms);
  }
  const stats = (list) => {
    const sorted = Float64Array.from(list).sort();
    return {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : null,
      mean: sorted.length ? round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 1) : null,
    };
  };
  const spanMs = lastFinished - firstCreated;
  return {
    jobs: records.length,
    completed: status.completed ?? 0,
    failed: status.failed ?? 0,
    /** Neither completed nor failed when the run ended: stuck or still retrying. */
    unfinished: records.length - (status.completed ?? 0) - (status.failed ?? 0) - (status.cancelled ?? 0),
    status,
    failedCodes,
    failovers,
    jobsFailedOver: failedOver,
    jobsRetried: retried,
    servedBy,
    firstTried,
    primaryCalls,
    primaryErrors,
    latencyMs: stats(latencies),
    latencyMsDirect: stats(direct),
    latencyMsFailedOver: stats(failoverLatencies),
    jobsPerSecond: spanMs > 0 ? ((status.completed ?? 0) / spanMs) * 1000 : null,
  };
}
