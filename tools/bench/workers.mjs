// The benchmark's worker phases.
//
//   capacity  one worker process at WORKER_CONCURRENCY=BENCH_CAPACITY_CONCURRENCY (2000) with
//             the simulator answering after 1 s: BENCH_CAPACITY_JOBS (16000) complete jobs
//             submitted in bulk; the steady completion rate (between 20% and 80% done) and the
//             worker's peak RSS, against raw BullMQ with the same concurrency and a processor
//             that sleeps 1 s (the ideal is concurrency / latency = 2000 jobs/s); then again
//             with the worker's V8 heap capped (BENCH_CAPACITY_HEAP_MB, 192; 0 skips it).
//             BENCH_CAPACITY_WORKER_ARGS: node arguments for that worker alone (V8 flags to try).
//   scaling   the same jobs through 1 then 2 worker processes (zero latency,
//             BENCH_SCALING_JOBS, 20000): jobs/s of each and the ratio 2 : 1.
import { redisKeys } from '../lib/redis-keys.mjs';
import { openClient, submitAll } from './http-load.mjs';
import { start } from './processes.mjs';
import { memoryOf, startBenchStack } from './stack.mjs';
import { sleep } from './wait.mjs';
import { completedCounter } from './completed.mjs';

const BODY = { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } };
const PER_REQUEST = 500;

/** Submits `jobs` jobs in bulk and samples the completed count until all are done. */
async function drive(stack, redis, prefix, tenant, jobs, timeoutMs) {
  const apiKey = stack.keyFor(tenant);
  const client = await openClient(stack.url, 4);
  const completed = completedCounter(redis, tenant, [redisKeys(prefix)]);
  const samples = [];
  const started = performance.now();
  const submitting = submitAll(client, {
    path: '/v1/jobs:batch',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jobs: Array.from({ length: PER_REQUEST }, () => BODY) }),
    count: Math.ceil(jobs / PER_REQUEST),
    concurrency: 4,
  });
  const total = Math.ceil(jobs / PER_REQUEST) * PER_REQUEST;
  let submitted;
  void submitting.then((s) => (submitted = s));
  try {
    for (;;) {
      await stack.guard(sleep(100));
      const done = await completed();
      samples.push({ t: performance.now() - started, done });
      if (done >= total) break;
      if (performance.now() - started > timeoutMs) throw new Error(`only ${done} of ${total} jobs completed in ${timeoutMs} ms`);
    }
  } finally {
    await submitting;
    await client.close();
  }
  if (submitted.accepted * PER_REQUEST !== total) throw new Error(`submissions failed: ${JSON.stringify(submitted.failures)}`);
  const at = (fraction) => samples.find((s) => s.done >= fraction * total);
  const [a, b] = [at(0.2), at(0.8)];
  return { jobs: total, ms: samples.at(-1).t, steadyRate: ((b.done - a.done) / (b.t - a.t)) * 1000, overallRate: (total / samples.at(-1).t) * 1000 };
}

function rawBullmq(env, prefix, { jobs, concurrency, sleepMs }) {
  const child = start('raw bullmq (capacity)', process.execPath, ['tools/bench/bullmq-baseline.mjs'], {
    ipc: true,
    env: {
      ...env,
      BENCH_PREFIX: `${prefix}:raw-capacity`,
      BENCH_JOBS: String(jobs),
      BENCH_WARMUP: '0',
      BENCH_CONCURRENCY: String(concurrency),
      BENCH_SLEEP_MS: String(sleepMs),
    },
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m?.kind === 'ready') child.send({ kind: 'go' });
      if (m?.kind === 'result') resolve({ ...m, peakMiB: memoryOf(child.pid).peakMiB });
    });
    void child.exited.then((code) => reject(new Error(`the raw BullMQ process exited (${code}): ${child.tail}`)));
  });
}

export async function runCapacity({ env, redis, prefix, opts, step }) {
  const { capacityJobs: jobs, capacityConcurrency: concurrency } = opts;
  step(`capacity: one worker at concurrency ${concurrency}, provider latency 1 s, ${jobs} jobs (and raw BullMQ sleeping 1 s at the same concurrency)`);
  const raw = await rawBullmq(env, prefix, { jobs, concurrency, sleepMs: 1000 });
  const once = async (tenant, nodeOptions) => {
    const stack = await startBenchStack({
      env,
      latencyMs: 1000,
      extraEnv: { WORKER_CONCURRENCY: String(concurrency), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      workerNodeArgs: opts.capacityWorkerArgs,
    });
    try {
      const run = await drive(stack, redis, prefix, tenant, jobs, 120_000);
      return { ...run, workerPeakMiB: memoryOf(stack.workers[0].pid).peakMiB };
    } finally {
      await stack.close();
    }
  };
  const run = await once('bench-capacity');
  // The same with the V8 heap capped, for comparison: the peak above is mostly jobs' promoted
  // garbage (the live heap at 2,000 jobs in flight is ~70 MB), which the worker's heap growing
  // factor (WORKER_HEAP_GROWING_PERCENT, libs/process) collects at 2x the live heap.
  const heapMb = opts.capacityHeapMb;
  const capped = heapMb > 0 ? { heapMb, ...(await once('bench-capacity-capped', `--max-old-space-size=${heapMb}`)) } : null;
  // `defaultPeakRssMiB`: the worker as deployed, no heap cap (issue 16's goal: under 300 MiB).
  return { concurrency, ...run, defaultPeakRssMiB: run.workerPeakMiB, capped, raw: { rate: raw.rate, peakMiB: raw.peakMiB } };
}

export async function runScaling({ env, redis, prefix, opts, step }) {
  step(`scaling: ${opts.scalingJobs} jobs through 1, then 2 worker processes (concurrency ${opts.concurrency} each, zero latency)`);
  const out = {};
  for (const workers of [1, 2]) {
    const stack = await startBenchStack({ env, workers, extraEnv: { WORKER_CONCURRENCY: String(opts.concurrency) } });
    try {
      out[workers] = await drive(stack, redis, prefix, `bench-scale-${workers}`, opts.scalingJobs, 120_000);
    } finally {
      await stack.close();
    }
  }
  return { one: out[1], two: out[2], ratio: out[2].steadyRate / out[1].steadyRate };
}

export function printWorkers(capacity, scaling) {
  const n = (x, d = 0) => (x === null || x === undefined ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  if (capacity) {
    console.log(`\ncapacity: one worker process, concurrency ${capacity.concurrency}, provider latency 1 s, ${n(capacity.jobs)} jobs`);
    row('voxq, steady (20%→80%)', `${n(capacity.steadyRate)} jobs/s (overall ${n(capacity.overallRate)}), worker peak RSS ${n(capacity.workerPeakMiB)} MiB`);
    row('raw BullMQ sleeping 1 s', `${n(capacity.raw.rate)} jobs/s, peak RSS ${n(capacity.raw.peakMiB)} MiB`);
    row('ratio voxq / raw', `${n(capacity.steadyRate / capacity.raw.rate, 3)} (ideal ${n(capacity.concurrency)} jobs/s)`);
    if (capacity.capped) {
      row(
        `voxq, --max-old-space-size=${capacity.capped.heapMb}`,
        `${n(capacity.capped.steadyRate)} jobs/s (ratio ${n(capacity.capped.steadyRate / capacity.raw.rate, 3)}), worker peak RSS ${n(capacity.capped.workerPeakMiB)} MiB`,
      );
    }
  }
  if (scaling) {
    console.log(`\nscaling: worker processes on one Redis, ${n(scaling.one.jobs)} jobs, zero latency`);
    row('1 worker', `${n(scaling.one.steadyRate)} jobs/s steady (overall ${n(scaling.one.overallRate)})`);
    row('2 workers', `${n(scaling.two.steadyRate)} jobs/s steady (overall ${n(scaling.two.overallRate)})`);
    row('ratio 2 : 1', n(scaling.ratio, 2));
  }
}
