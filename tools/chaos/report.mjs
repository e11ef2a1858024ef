// The chaos suite's verdict on the console: the counts, the evidence that each fault reached
// voxq (read from the apps' logs), every problem found, and whether the run passed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Provider failures the workers logged, by kind: proof the faults reached voxq. */
export function providerFailures(logDir) {
  const out = { timeout: 0, '5xx': 0, 429: 0, other: 0 };
  for (const name of ['worker-a', 'worker-b']) {
    let text = '';
    try {
      text = readFileSync(join(logDir, `${name}.log`), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.includes('provider failed, trying the next one')) continue;
      const err = /"err":"([^"]*)"/.exec(line)?.[1] ?? '';
      if (/timed out/.test(err)) out.timeout += 1;
      else if (/\b429\b|rate limit/i.test(err)) out['429'] += 1;
      else if (/\b5\d\d\b|Simulated HTTP 5/.test(err)) out['5xx'] += 1;
      else out.other += 1;
    }
  }
  return out;
}

/**
 * ioredis's own errors, and a cluster's while it fails a master over (error names: case
 * kept): a blocked BullMQ fetch on a master turned replica is UNBLOCKED.
 */
const REDIS_ERROR = /Connection is closed|max retries per request/i;
const CLUSTER_ERROR = /CLUSTERDOWN|TRYAGAIN|READONLY|UNBLOCKED|MOVED|Too many Cluster redirections|Failed to refresh slots cache/;

/** Log lines per app that mention a lost Redis connection: proof the Redis faults reached them. */
export function redisErrorsByApp(logDir, appNames, redisPorts) {
  const out = {};
  // The receiver refuses connections too: only lines naming a Redis port, or Redis's and ioredis's own errors.
  const ports = redisPorts.map((port) => new RegExp(`:${port}\\b`));
  for (const name of appNames) {
    try {
      const text = readFileSync(join(logDir, `${name}.log`), 'utf8');
      out[name] = text.split('\n').filter((l) => ports.some((port) => port.test(l)) || REDIS_ERROR.test(l) || CLUSTER_ERROR.test(l)).length;
    } catch {
      out[name] = 0;
    }
  }
  return out;
}

/**
 * Prints the run's figures and problems; true when it passed: settled in time, nothing lost
 * or doubled, every submission accepted once, no app died unasked, every signature good.
 */
export function report({ outcome, opts, load, receiver, unexpectedExits, providerFailuresSeen, redisErrors }) {
  const { result, settledInTime, notAccepted, duplicateIds, deadLetters, seconds, processingSeconds } = outcome;
  const { counts, problems } = result;
  const row = (label, value) => console.log(`  ${label.padEnd(30)}${value}`);
  console.log(`\nvoxq chaos: ${opts.jobs} jobs over ${opts.submitSeconds} s on ${opts.redisMode === 'cluster' ? 'a Redis Cluster' : 'one Redis'}`);
  row('submitted (accepted ids)', counts.submitted);
  row(
    '  by type',
    Object.entries(counts.byType)
      .map(([t, c]) => `${t} ${c.submitted} (${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled)`)
      .join('; '),
  );
  row('completed', counts.completed);
  row('failed', `${counts.failed} ${JSON.stringify(counts.failedByCode)}`);
  row(
    'cancelled',
    `${counts.cancelled} (DELETE: ${load.stats.cancelRequests} sent, ${load.stats.cancelled} answered 200, ${load.stats.cancelConflict} 409 already finished)`,
  );
  row('lost', problems.lost.length);
  row('unfinished at the deadline', problems.unfinished.length);
  row('failed without a reason', problems.noReason.length);
  row('double results', problems.doubleResults.length);
  row('index mismatches', problems.indexMismatch.length);
  row('webhook missing', problems.webhookMissing.length);
  if (counts.history) {
    row(
      'history (Postgres)',
      `${counts.history.inPostgres} of ${counts.history.finished} finished jobs, ${problems.historyMissing.length} missing, ${problems.historyMismatch.length} mismatched or doubled`,
    );
    row(
      'history deliveries',
      `${counts.history.deliveriesInPostgres} in Postgres; ${problems.historyDeliveriesMissing.length} finished jobs without their webhook's succeeded delivery there`,
    );
  }
  row('webhook deliveries', `${counts.deliveries} received, ${counts.duplicates} duplicates (same webhook-id)`);
  row('receiver', `${receiver.stats.refused503} answered 503 while down, ${receiver.stats.badSignature} bad signatures, ${receiver.stats.badBody} bad bodies`);
  row('dead-lettered deliveries', deadLetters);
  row('tenant listings', JSON.stringify(counts.index));
  row('provider failures seen', JSON.stringify(providerFailuresSeen));
  row('attempts', `${counts.retried} jobs took more than one attempt; ${counts.stalledReruns} were re-run after their worker was killed`);
  row('apps that lost Redis', JSON.stringify(redisErrors));
  row('cancel requests repeated', `${load.stats.cancelRetries} (${JSON.stringify(load.stats.cancelErrors)})`);
  row(
    'submissions',
    `${load.stats.submitRetries} repeated (${JSON.stringify(load.stats.submitErrors)}), ${notAccepted} never accepted, ${duplicateIds.length} ids returned twice; slowest answer ${load.stats.slowestSubmitMs} ms`,
  );
  row('unexpected app exits', unexpectedExits.length ? unexpectedExits.map((e) => `${e.name} (${e.code}) at ${e.at}`).join(', ') : 'none');
  row('duration', `${seconds.toFixed(1)} s (${processingSeconds.toFixed(1)} s from the first submission)`);
  for (const [kind, list] of Object.entries(problems)) {
    if (list.length)
      console.log(
        `\n${kind} (${list.length}), first ${Math.min(5, list.length)}:\n${list
          .slice(0, 5)
          .map((p) => `  ${JSON.stringify(p)}`)
          .join('\n')}`,
      );
  }
  for (const e of unexpectedExits) console.log(`\n${e.name} exited (${e.code}) at ${e.at}; its last output:\n${e.tail}`);
  if (duplicateIds.length) console.log(`\nids returned twice: ${JSON.stringify(duplicateIds.slice(0, 5))}`);
  return settledInTime && result.ok && notAccepted === 0 && duplicateIds.length === 0 && unexpectedExits.length === 0 && receiver.stats.badSignature === 0;
}
