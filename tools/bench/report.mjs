// The first lines of `npm run bench`'s report (the baseline and voxq end to end) and the
// machine they were measured on; each later phase prints its own lines after these.
import os from 'node:os';

const round = (n, digits = 0) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function printReport(r) {
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  const n = (x, d = 0) => (x === null || x === undefined ? 'n/a' : round(x, d).toLocaleString('en-US'));
  console.log(
    `\nvoxq benchmark: ${r.options.jobs} jobs, warm-up ${r.options.warmup}, worker concurrency ${r.options.concurrency}, ${r.options.clients} HTTP clients`,
  );
  row('raw BullMQ (add + no-op process)', `${n(r.baseline.jobsPerSecond)} jobs/s`);
  const timedOut = (x) => (x.timedOut ? `  (timed out: ${x.completed} of ${x.submit.accepted} completed)` : '');
  row('voxq e2e, one job per request', `${n(r.voxq.jobsPerSecond)} jobs/s  ratio ${n(r.ratio, 3)}${timedOut(r.voxq)}`);
  row(`voxq e2e, bulk (${r.options.batch}/request)`, `${n(r.bulk.jobsPerSecond)} jobs/s  ratio ${n(r.bulkRatio, 3)}${timedOut(r.bulk)}`);
  row('goal', `ratio ≥ ${r.goal}: ${r.goalMet ? 'MET' : 'NOT MET'} (best of the two)`);
  row('submit rate, POST /v1/jobs', `${n(r.voxq.submit.rate)} req/s (${r.voxq.submit.client}, ${r.options.clients} clients)`);
  row('submit latency p50 / p99', `${n(r.voxq.submit.p50Ms, 1)} ms / ${n(r.voxq.submit.p99Ms, 1)} ms`);
  row(
    'submit rate, POST /v1/jobs:batch',
    `${n(r.bulk.submit.rate * r.options.batch)} jobs/s (${r.options.bulkClients} clients), p50 ${n(r.bulk.submit.p50Ms, 1)} ms per request`,
  );
  for (const x of [r.voxq, r.bulk]) if (Object.keys(x.submit.failures).length) row('submit failures', JSON.stringify(x.submit.failures));
  row(
    'webhook event queued per job',
    r.voxq.webhook.queued ? `yes (${r.voxq.webhook.eventsWaiting} waiting; no dispatcher runs)` : 'no (jobs carry no webhook; BENCH_WEBHOOK=1 adds one)',
  );
  const cmds = (x) =>
    `${n(x.redis.totalExcludingScripts, 1)} (${Object.entries(x.redis.perJob)
      .slice(0, 6)
      .map(([k, v]) => `${k} ${round(v, 1)}`)
      .join(', ')})`;
  row('Redis commands/job: raw BullMQ', cmds(r.baseline));
  row('Redis commands/job: voxq', cmds(r.voxq));
  row('Redis commands/job: voxq bulk', cmds(r.bulk));
  row('Redis CPU ms/job: raw/voxq/bulk', `${n(r.baseline.redis.cpuMsPerJob, 3)} / ${n(r.voxq.redis.cpuMsPerJob, 3)} / ${n(r.bulk.redis.cpuMsPerJob, 3)}`);
  const cpu = (x) =>
    Object.entries(x.cpuMsPerJob)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  row('process CPU ms/job: raw BullMQ', cpu(r.baseline));
  row('process CPU ms/job: voxq', cpu(r.voxq));
  row('process CPU ms/job: voxq bulk', cpu(r.bulk));
  row('machine', `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`);
  row('Redis', r.redis);
}
