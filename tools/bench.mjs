// `npm run bench`: voxq's end-to-end throughput against raw BullMQ's, measured in one run
// on the same Redis, and their ratio.
//
//   baseline  a Queue adding no-op jobs in bulk + a Worker completing them (one child process)
//   voxq      POST /v1/jobs (api) → `complete` queue → worker → provider simulator (zero
//             latency) → record `completed`, each app its own process as in production
//
// Env: BENCH_JOBS (20000), BENCH_WARMUP (1000, not measured), BENCH_CONCURRENCY (128: the
// worker concurrency of both), BENCH_CLIENTS (64 HTTP clients), BENCH_TIMEOUT_S (60, per
// phase), BENCH_WEBHOOK=1 (give each job a webhook, so an event is queued; no dispatcher
// runs), BENCH_PROFILE=1 (`node --cpu-prof` the apps and print where their time goes), REDIS_URL.
//
//   failover  then (BENCH_FAILOVER=0 skips it) the same `complete` jobs with two LLM providers
//             on the simulator (50 ± 20 ms), first healthy, then with the primary failing 30%
//             of its calls (503): completed, failovers, p50/p99 job latency against the
//             no-fault run (tools/bench/failover.mjs). BENCH_FAILOVER_JOBS (2000),
//             BENCH_FAILOVER_RATE (500 jobs/s offered; 0 = all at once), BENCH_FAILOVER_BATCH
//             (10 per request), BENCH_FAILOVER_WARMUP (50), BENCH_FAILOVER_FAULT_RATE (0.3),
//             BENCH_FAILOVER_LATENCY_MS (50), BENCH_FAILOVER_JITTER_MS (20), BENCH_FAILOVER_VARIANTS
//             (all: defaults,nobreaker,pinned,cooldown,cooldown-pinned; no-fault always runs first).
//   webhooks  then (BENCH_WEBHOOKS=0 skips it) deliveries per second from the dispatcher app to
//             a local receiver: BENCH_WEBHOOK_EVENTS (5000) job events fanned out to one
//             endpoint, DISPATCHER_CONCURRENCY BENCH_WEBHOOK_CONCURRENCY (64), as a ratio
//             against the raw BullMQ baseline (tools/bench/webhooks.mjs).
//   batches   then (BENCH_BATCHES=0 skips it) a BENCH_BATCH_LINES (50000) line OpenAI-style
//             batch with another tenant's single jobs probing latency before and during it
//             (BENCH_BATCH_PROBES, 50): validation, expansion and completion rates, peak RSS,
//             output line count (tools/bench/batches.mjs). BENCH_BATCH_TIMEOUT_S (300).
//   batches   then (BENCH_BATCHES=0 skips it) a BENCH_BATCH_LINES (50000) line OpenAI-style
//             batch with another tenant's single jobs probing latency before and during it
//             (BENCH_BATCH_PROBES, 50): validation, expansion and completion rates, peak RSS,
//             output line count (tools/bench/batches.mjs). BENCH_BATCH_TIMEOUT_S (300).
//   intake    then (BENCH_INTAKE=0 skips it) POST /v1/jobs latency at fixed rates with autocannon
//             (BENCH_INTAKE_RATES 500,1000,2000; BENCH_INTAKE_SECONDS 10; BENCH_INTAKE_CONNECTIONS 16), against a bare Node
//             server's in the same run (tools/bench/intake.mjs).
//   capacity  then (BENCH_CAPACITY=0 skips it) one worker at concurrency 2000 with a 1 s
//             provider: jobs/s and peak RSS against raw BullMQ sleeping 1 s (BENCH_CAPACITY_JOBS
//             16000, BENCH_CAPACITY_CONCURRENCY 2000; tools/bench/workers.mjs).
//   scaling   then (BENCH_SCALING=0 skips it) 1 vs 2 worker processes (BENCH_SCALING_JOBS 20000).
// Results also go to bench-results/latest.json. Exits 0 whatever the ratio.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { printProfile, summariseProfile } from './bench/cpu-profile.mjs';
import { printBatches, runBatches } from './bench/batches.mjs';
import { printIntake, runIntake } from './bench/intake.mjs';
import { ensureS3 } from './bench/s3.mjs';
import { startBenchStack } from './bench/stack.mjs';
import { printWorkers, runCapacity, runScaling } from './bench/workers.mjs';
import { printFailover, runFailover } from './bench/failover.mjs';
import { openClient, submitAll } from './bench/http-load.mjs';
import { cpuSeconds, start, stopAll, unlessExited } from './bench/processes.mjs';
import { commandsPerJob, deletePrefix, ensureRedis, redisCounters } from './bench/redis.mjs';
import { sleep, until } from './bench/wait.mjs';
import { printWebhooks, runWebhooks } from './bench/webhooks.mjs';

const GOAL = 0.3;
const int = (name, def) => {
  const value = Number(process.env[name] || def);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got ${process.env[name]}).`);
  return value;
};
const fraction = (name, def) => {
  const value = Number(process.env[name] || def);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be between 0 and 1 (got ${process.env[name]}).`);
  return value;
};
const opts = {
  jobs: Math.max(1, int('BENCH_JOBS', 20_000)),
  warmup: int('BENCH_WARMUP', 1_000),
  concurrency: Math.max(1, int('BENCH_CONCURRENCY', 128)),
  clients: Math.max(1, int('BENCH_CLIENTS', 64)),
  timeoutMs: Math.max(1, int('BENCH_TIMEOUT_S', 60)) * 1000,
  webhook: process.env.BENCH_WEBHOOK === '1' || process.env.BENCH_WEBHOOK === 'true',
  profile: process.env.BENCH_PROFILE === '1' || process.env.BENCH_PROFILE === 'true',
  batch: Math.min(1000, Math.max(1, int('BENCH_BATCH', 100))),
  bulkClients: Math.max(1, int('BENCH_BULK_CLIENTS', 4)),
  failover: process.env.BENCH_FAILOVER !== '0' && process.env.BENCH_FAILOVER !== 'false',
  failoverJobs: Math.max(1, int('BENCH_FAILOVER_JOBS', 2_000)),
  failoverRate: int('BENCH_FAILOVER_RATE', 500),
  failoverBatch: Math.min(1000, Math.max(1, int('BENCH_FAILOVER_BATCH', 10))),
  failoverWarmup: Math.max(1, int('BENCH_FAILOVER_WARMUP', 50)),
  failoverVariants: process.env.BENCH_FAILOVER_VARIANTS ? process.env.BENCH_FAILOVER_VARIANTS.split(',').map((v) => v.trim()) : null,
  faultRate: fraction('BENCH_FAILOVER_FAULT_RATE', 0.3),
  latencyMs: int('BENCH_FAILOVER_LATENCY_MS', 50),
  jitterMs: int('BENCH_FAILOVER_JITTER_MS', 20),
  webhooks: process.env.BENCH_WEBHOOKS !== '0' && process.env.BENCH_WEBHOOKS !== 'false',
  webhookEvents: Math.max(1, int('BENCH_WEBHOOK_EVENTS', 5_000)),
  webhookConcurrency: Math.max(1, int('BENCH_WEBHOOK_CONCURRENCY', 64)),
  batches: process.env.BENCH_BATCHES !== '0' && process.env.BENCH_BATCHES !== 'false',
  batchLines: Math.max(1, int('BENCH_BATCH_LINES', 50_000)),
  batchProbes: Math.max(1, int('BENCH_BATCH_PROBES', 50)),
  batchTimeoutMs: Math.max(1, int('BENCH_BATCH_TIMEOUT_S', 300)) * 1000,
  intake: process.env.BENCH_INTAKE !== '0' && process.env.BENCH_INTAKE !== 'false',
  intakeRates: (process.env.BENCH_INTAKE_RATES || '500,1000,2000').split(',').map((r) => Math.max(1, Number(r))),
  intakeSeconds: Math.max(1, int('BENCH_INTAKE_SECONDS', 10)),
  intakeConnections: Math.max(1, int('BENCH_INTAKE_CONNECTIONS', 16)),
  capacity: process.env.BENCH_CAPACITY !== '0' && process.env.BENCH_CAPACITY !== 'false',
  capacityJobs: Math.max(1000, int('BENCH_CAPACITY_JOBS', 16_000)),
  capacityConcurrency: Math.max(1, int('BENCH_CAPACITY_CONCURRENCY', 2_000)),
  capacityHeapMb: int('BENCH_CAPACITY_HEAP_MB', 192),
  scaling: process.env.BENCH_SCALING !== '0' && process.env.BENCH_SCALING !== 'false',
  scalingJobs: Math.max(1000, int('BENCH_SCALING_JOBS', 20_000)),
};
const round = (n, digits = 0) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);
const step = (text) => console.log(`· ${text}`);

let redis;
let prefix;
let s3;
let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  await stopAll();
  await s3?.close().catch(() => undefined);
  if (redis && prefix) {
    const deleted = await deletePrefix(redis, prefix).catch((error) => console.error(`could not delete ${prefix}:* (${error.message})`));
    if (deleted !== undefined) step(`deleted ${deleted} keys under ${prefix}:*`);
  }
  redis?.disconnect();
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the benchmark's processes…`);
    void cleanup().finally(() => process.exit(130));
  });
}

function cpuOf(children) {
  return Object.fromEntries(children.map((c) => [c.name, cpuSeconds(c.pid)]));
}

function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU ms per job of each process between two snapshots. */
function cpuPerJob(before, after, jobs) {
  const out = {};
  for (const [name, s] of Object.entries(after)) if (s !== null && before[name] !== null) out[name] = round(((s - before[name]) * 1000) / jobs, 3);
  return out;
}

async function runBaseline(env) {
  const child = start('baseline', process.execPath, ['tools/bench/bullmq-baseline.mjs'], {
    ipc: true,
    env: {
      ...env,
      BENCH_PREFIX: `${prefix}:raw`,
      BENCH_JOBS: String(opts.jobs),
      BENCH_WARMUP: String(opts.warmup),
      BENCH_CONCURRENCY: String(opts.concurrency),
    },
  });
  const message = (kind) =>
    unlessExited(
      child,
      new Promise((resolve) => {
        const on = (m) => m?.kind === kind && (child.off('message', on), resolve(m));
        child.on('message', on);
      }),
    );
  await message('ready');
  const before = { redis: await redisCounters(redis), cpu: cpuOf([child]) };
  child.send({ kind: 'go' });
  const result = await message('result');
  const after = { redis: await redisCounters(redis), cpu: cpuOf([child]) };
  await child.exited;
  return {
    jobsPerSecond: result.rate,
    ms: result.ms,
    addRate: result.addRate,
    redis: commandsPerJob(before.redis, after.redis, opts.jobs),
    cpuMsPerJob: cpuPerJob(before.cpu, after.cpu, opts.jobs),
  };
}

/**
 * `single`: one POST /v1/jobs per job (64 keep-alive clients). `bulk`: POST /v1/jobs:batch
 * with BENCH_BATCH (100) jobs per request, from BENCH_BULK_CLIENTS (4) clients.
 */
async function runVoxq(env, profileDir, mode) {
  const tenant = `bench-${mode}`;
  const stack = await startBenchStack({
    env,
    extraEnv: {
      WORKER_CONCURRENCY: String(opts.concurrency),
      ...(opts.webhook ? { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_ALLOW_HTTP: 'true' } : {}),
    },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const apiKey = stack.keyFor(tenant);
  const apps = stack.processes;
  const guard = stack.guard;
  const apiPort = new URL(stack.url).port;

  let receiver;
  const body = { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } };
  if (opts.webhook) {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    const port = await new Promise((r) => receiver.listen(0, '127.0.0.1', () => r(receiver.address().port)));
    body.webhook = { url: `http://127.0.0.1:${port}/hook` };
  }

  const bulk = mode === 'bulk';
  const perRequest = bulk ? opts.batch : 1;
  const clients = bulk ? opts.bulkClients : opts.clients;
  const client = await openClient(`http://127.0.0.1:${apiPort}`, clients);
  const request = {
    path: bulk ? '/v1/jobs:batch' : '/v1/jobs',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(bulk ? { jobs: Array.from({ length: perRequest }, () => body) } : body),
    concurrency: clients,
  };
  // Counts in requests; the job counts are rounded to whole requests.
  const requestsFor = (jobs) => Math.ceil(jobs / perRequest);
  const completedKey = `${prefix}:tenant:${tenant}:jobs:status:completed`;
  const completed = () => redis.zcard(completedKey);

  try {
    // Warm-up: also proves the worker is up (it logs nothing at LOG_LEVEL=warn).
    if (opts.warmup > 0) {
      const warm = await guard(submitAll(client, { ...request, count: requestsFor(opts.warmup) }));
      if (warm.accepted !== requestsFor(opts.warmup)) throw new Error(`warm-up submissions failed: ${JSON.stringify(warm.failures)}`);
      await guard(until('the warm-up jobs to complete', async () => (await completed()) >= warm.accepted * perRequest, 30_000, 50));
    }

    const before = { redis: await redisCounters(redis), cpu: { ...cpuOf(apps), 'bench client': ownCpuSeconds() } };
    let firstSubmit;
    let submit;
    const warmedUp = await completed();
    const submitting = submitAll(client, { ...request, count: requestsFor(opts.jobs), onFirst: () => (firstSubmit = performance.now()) }).then(
      (s) => (submit = { ...s, requestsAccepted: s.accepted, accepted: s.accepted * perRequest, jobsPerRequest: perRequest }),
    );
    // Poll every 50 ms until the completed index holds every accepted job (or time is up).
    let done = 0;
    let finished;
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      await guard(sleep(50));
      done = (await completed()) - warmedUp;
      if (submit && done >= submit.accepted) {
        finished = performance.now();
        break;
      }
      if (Date.now() > deadline) break;
    }
    await submitting;
    const ms = (finished ?? performance.now()) - firstSubmit;
    const after = { redis: await redisCounters(redis), cpu: { ...cpuOf(apps), 'bench client': ownCpuSeconds() } };
    const webhookEvents = opts.webhook ? await redis.llen(`${prefix}:q:webhooks:wait`) : 0;
    return {
      jobsPerSecond: (Math.min(done, submit.accepted) / ms) * 1000,
      ms,
      completed: Math.min(done, submit.accepted),
      timedOut: finished === undefined,
      submit: { ...submit, client: client.client },
      webhook: opts.webhook ? { queued: webhookEvents > 0, eventsWaiting: webhookEvents } : { queued: false },
      redis: commandsPerJob(before.redis, after.redis, opts.jobs),
      cpuMsPerJob: cpuPerJob(before.cpu, after.cpu, opts.jobs),
      pids: Object.fromEntries(apps.map((c) => [`${mode} ${c.name}`, c.pid])),
    };
  } finally {
    await client.close();
    receiver?.close();
    // Each mode gets fresh processes; stopping them also writes their CPU profiles.
    await stack.close();
  }
}

function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: os.availableParallelism?.() ?? cpus.length, node: process.version, platform: `${os.platform()} ${os.release()}` };
}

function printReport(r) {
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  const n = (x, d = 0) => (x === null || x === undefined ? 'n/a' : round(x, d).toLocaleString('en-US'));
  console.log(`\nvoxq benchmark: ${r.options.jobs} jobs, warm-up ${r.options.warmup}, worker concurrency ${r.options.concurrency}, ${r.options.clients} HTTP clients`);
  row('raw BullMQ (add + no-op process)', `${n(r.baseline.jobsPerSecond)} jobs/s`);
  const timedOut = (x) => (x.timedOut ? `  (timed out: ${x.completed} of ${x.submit.accepted} completed)` : '');
  row('voxq e2e, one job per request', `${n(r.voxq.jobsPerSecond)} jobs/s  ratio ${n(r.ratio, 3)}${timedOut(r.voxq)}`);
  row(`voxq e2e, bulk (${r.options.batch}/request)`, `${n(r.bulk.jobsPerSecond)} jobs/s  ratio ${n(r.bulkRatio, 3)}${timedOut(r.bulk)}`);
  row('goal', `ratio ≥ ${GOAL}: ${r.goalMet ? 'MET' : 'NOT MET'} (best of the two)`);
  row('submit rate, POST /v1/jobs', `${n(r.voxq.submit.rate)} req/s (${r.voxq.submit.client}, ${r.options.clients} clients)`);
  row('submit latency p50 / p99', `${n(r.voxq.submit.p50Ms, 1)} ms / ${n(r.voxq.submit.p99Ms, 1)} ms`);
  row('submit rate, POST /v1/jobs:batch', `${n(r.bulk.submit.rate * r.options.batch)} jobs/s (${r.options.bulkClients} clients), p50 ${n(r.bulk.submit.p50Ms, 1)} ms per request`);
  for (const x of [r.voxq, r.bulk]) if (Object.keys(x.submit.failures).length) row('submit failures', JSON.stringify(x.submit.failures));
  row('webhook event queued per job', r.voxq.webhook.queued ? `yes (${r.voxq.webhook.eventsWaiting} waiting; no dispatcher runs)` : 'no (jobs carry no webhook; BENCH_WEBHOOK=1 adds one)');
  const cmds = (x) => `${n(x.redis.totalExcludingScripts, 1)} (${Object.entries(x.redis.perJob).slice(0, 6).map(([k, v]) => `${k} ${round(v, 1)}`).join(', ')})`;
  row('Redis commands/job: raw BullMQ', cmds(r.baseline));
  row('Redis commands/job: voxq', cmds(r.voxq));
  row('Redis commands/job: voxq bulk', cmds(r.bulk));
  row('Redis CPU ms/job: raw/voxq/bulk', `${n(r.baseline.redis.cpuMsPerJob, 3)} / ${n(r.voxq.redis.cpuMsPerJob, 3)} / ${n(r.bulk.redis.cpuMsPerJob, 3)}`);
  const cpu = (x) => Object.entries(x.cpuMsPerJob).map(([k, v]) => `${k} ${v}`).join(', ');
  row('process CPU ms/job: raw BullMQ', cpu(r.baseline));
  row('process CPU ms/job: voxq', cpu(r.voxq));
  row('process CPU ms/job: voxq bulk', cpu(r.bulk));
  row('machine', `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`);
  row('Redis', r.redis);
}

async function main() {
  const started = Date.now();
  step('building api, worker, dispatcher, simulator, cli');
  const build = spawnSync(process.execPath, ['tools/build-app.mjs', 'api', 'worker', 'dispatcher', 'simulator', 'cli'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  const found = await ensureRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  prefix = `bench-${Date.now()}`;
  redis = new Redis(found.url, { maxRetriesPerRequest: 3 });
  s3 = await ensureS3(process.env);
  const env = { ...process.env, ...s3.env, REDIS_URL: found.url, REDIS_PREFIX: prefix };
  step(`Redis: ${found.source}; key prefix ${prefix}; S3: ${s3.source}`);

  const profileDir = opts.profile ? resolve('bench-results', 'profiles', prefix) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  step(`raw BullMQ: ${opts.jobs} no-op jobs (after ${opts.warmup} warm-up)`);
  const baseline = await runBaseline(env);
  step(`voxq end to end, one job per request: ${opts.jobs} complete jobs through POST /v1/jobs (after ${opts.warmup} warm-up)`);
  const voxq = await runVoxq(env, profileDir, 'single');
  step(`voxq end to end, bulk: ${opts.jobs} complete jobs through POST /v1/jobs:batch, ${opts.batch} per request`);
  const bulk = await runVoxq(env, profileDir, 'bulk');
  let webhooks;
  if (opts.webhooks) webhooks = await runWebhooks({ env, prefix, opts, step });
  let failover;
  if (opts.failover) failover = await runFailover({ env, redis, prefix, opts, step });
  let batches;
  if (opts.batches) batches = await runBatches({ env, redis, prefix, opts, step });
  let intake;
  if (opts.intake) intake = await runIntake({ env, opts, step });
  let capacity;
  if (opts.capacity) capacity = await runCapacity({ env, redis, prefix, opts, step });
  let scaling;
  if (opts.scaling) scaling = await runScaling({ env, redis, prefix, opts, step });

  const ratio = voxq.jobsPerSecond / baseline.jobsPerSecond;
  const bulkRatio = bulk.jobsPerSecond / baseline.jobsPerSecond;
  const result = {
    at: new Date().toISOString(),
    options: opts,
    machine: machine(),
    redis: found.source,
    baseline,
    voxq,
    bulk,
    ratio,
    bulkRatio,
    goal: GOAL,
    goalMet: Math.max(ratio, bulkRatio) >= GOAL,
    ...(webhooks ? { webhooks: { ...webhooks, ratio: webhooks.deliveriesPerSecond / baseline.jobsPerSecond } } : {}),
    ...(failover ? { failover } : {}),
    ...(batches ? { batches: { ...batches, ratio: batches.linesPerSecond / baseline.jobsPerSecond } } : {}),
    ...(intake ? { intake } : {}),
    ...(capacity ? { capacity } : {}),
    ...(scaling ? { scaling } : {}),
  };
  await cleanup(); // Stops the apps, which writes their CPU profiles.
  printReport(result);
  if (webhooks) printWebhooks(webhooks, baseline);
  if (failover) printFailover(failover);
  if (batches) printBatches(batches, baseline);
  if (intake) printIntake(intake);
  if (capacity || scaling) printWorkers(capacity, scaling);
  mkdirSync('bench-results', { recursive: true });
  if (profileDir) {
    result.profiles = {};
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      // Files are named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
      const pid = Number(file.split('.')[3]);
      const app = Object.entries({ ...voxq.pids, ...bulk.pids }).find(([, p]) => p === pid)?.[0] ?? file;
      const summary = await summariseProfile(join(profileDir, file));
      result.profiles[app] = summary;
      printProfile(app, summary);
    }
  }
  writeFileSync('bench-results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to bench-results/latest.json in ${round((Date.now() - started) / 1000, 1)} s`);
}

try {
  await main();
} catch (error) {
  // After Ctrl-C the apps exiting is expected; the signal handler finishes the clean-up.
  if (!cleaning) {
    console.error(`\nbenchmark failed: ${error.stack ?? error}`);
    await cleanup();
    process.exitCode = 1;
  }
}
