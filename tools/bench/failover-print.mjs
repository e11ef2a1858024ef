// The failover phase's lines in `npm run bench`'s report: one row per variant, then what
// each run's figures say beyond the row (unfinished jobs, breaker states, the last ranking).
import { round } from './failover-figures.mjs';

/** The phase's lines in the report. */
export function printFailover(f) {
  const n = (x, d = 0) => (x === null || x === undefined ? 'n/a' : round(x, d).toLocaleString('en-US'));
  const { latencyMs: l, jitterMs: j } = f.simulatorLatency;
  console.log(
    `\nfailover under a ${round(f.faultRate * 100)}% primary outage: ${f.jobs} complete jobs per run, offered at ${f.rate || 'max'} jobs/s (${f.batch} per POST /v1/jobs:batch), ` +
      `providers ${f.providers.join(' + ')} on the simulator (${l}–${l + j} ms per call), primary ${f.primary}`,
  );
  const cols = [
    ['run', 47],
    ['done', 6],
    ['failed', 7],
    ['failovers', 10],
    ['served by', 30],
    ['p50 ms', 8],
    ['p99 ms', 8],
    ['jobs/s', 8],
    ['p50×', 6],
    ['p99×', 6],
    ['breaker', 0],
  ];
  const line = (values) => console.log(`  ${values.map((v, i) => String(v).padEnd(cols[i][1])).join('')}`.trimEnd());
  line(cols.map(([c]) => c));
  for (const r of f.runs) {
    const served = Object.entries(r.servedBy)
      .sort((a, b) => b[1] - a[1])
      .map(([p, c]) => `${p} ${c}`)
      .join(', ');
    const breaker = r.breaker.opened ? `opened ${r.breaker.opened}×, open ${n(r.breaker.msOpen / 1000, 1)} s, ${r.breaker.stateAtEnd} at end` : 'never opened';
    line([
      r.label + (r.timedOut ? ' (TIMED OUT)' : ''),
      r.completed,
      r.failed,
      r.failovers,
      served,
      n(r.latencyMs.p50),
      n(r.latencyMs.p99),
      n(r.jobsPerSecond),
      r.vsNoFault ? n(r.vsNoFault.p50, 2) : '1',
      r.vsNoFault ? n(r.vsNoFault.p99, 2) : '1',
      breaker,
    ]);
  }
  for (const r of f.runs) {
    const notes = [];
    if (r.unfinished) notes.push(`${r.unfinished} jobs unfinished at the end (${JSON.stringify(r.status)})`);
    if (r.failed) notes.push(`failed: ${JSON.stringify(r.failedCodes)}`);
    if (r.jobsRetried) notes.push(`${r.jobsRetried} jobs needed a second attempt`);
    if (Object.keys(r.submit.failures).length) notes.push(`submit failures: ${JSON.stringify(r.submit.failures)}`);
    if (r.primaryCalls) notes.push(`${r.primary} first for ${r.firstTried[r.primary] ?? 0} jobs; ${r.primaryErrors} of its ${r.primaryCalls} calls failed`);
    const b = r.breaker;
    if (b.timeline.length) notes.push(`breaker: ${b.timeline.map(([ms, state]) => `${state} at ${n(ms / 1000, 1)} s`).join(', ')}`);
    if (b.stateAtEnd === 'half-open' && b.probeAtEnd) {
      notes.push(
        `half-open ${n(b.msHalfOpen / 1000, 1)} s in all, the probe claim made ${n(b.probeAtEnd.claimedMsAgo / 1000, 1)} s before the end still held (expires in ${n(b.probeAtEnd.expiresInMs / 1000, 1)} s)`,
      );
    }
    if (r.lastRanking)
      notes.push(
        `last job ranked ${r.lastRanking.candidates.map((c) => `${c.provider} ${c.score}`).join(' > ')}${r.lastRanking.excluded.length ? ` (${r.lastRanking.excluded.map((e) => `${e.provider}: ${e.reason}`).join('; ')})` : ''}`,
      );
    if (r.jobsFailedOver)
      notes.push(
        `p50/p99 ${n(r.latencyMsDirect.p50)}/${n(r.latencyMsDirect.p99)} ms without a failover, ${n(r.latencyMsFailedOver.p50)}/${n(r.latencyMsFailedOver.p99)} ms with one`,
      );
    if (notes.length) console.log(`  · ${r.id}: ${notes.join('; ')}`);
  }
}
