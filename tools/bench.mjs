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
//   intake    then (BENCH_INTAKE=0 skips it) POST /v1/jobs latency at fixed rates with autocannon
//             (BENCH_INTAKE_RATES 500,1000,2000; BENCH_INTAKE_SECONDS 10; BENCH_INTAKE_CONNECTIONS 16), against a bare Node
//             server's in the same run (tools/bench/intake.mjs).
//   capacity  then (BENCH_CAPACITY=0 skips it) one worker at concurrency 2000 with a 1 s
//             provider: jobs/s and peak RSS against raw BullMQ sleeping 1 s (BENCH_CAPACITY_JOBS
//             16000, BENCH_CAPACITY_CONCURRENCY 2000; tools/bench/workers.mjs).
//   scaling   then (BENCH_SCALING=0 skips it) 1 vs 2 worker processes (BENCH_SCALING_JOBS 20000).
//   streaming then (BENCH_STREAMING=0 skips it) time to first token through voxq against direct
//             to the same paced simulator, and 500 streams at once (tools/bench/streaming.mjs).
//   realtime  then (BENCH_REALTIME=0 skips it) realtime sessions through one api (issue 18): event
//             round trips direct to the simulator and through the relay (BENCH_REALTIME_SAMPLES,
//             200; the ratio), and BENCH_REALTIME_SESSIONS (500) held at once with the api's RSS
//             (tools/bench/realtime.mjs; alone: node tools/bench/realtime.mjs).
//   peers     then (BENCH_PEERS=0 skips it) voxq against the peers a user would pick instead
//             (issue 16), all calling one provider simulator at BENCH_PEERS_LATENCY_MS (0):
//             a hand-rolled pipeline the bench builds (express POST /jobs → BullMQ → one worker
//             calling the upstream with undici) against voxq's POST /v1/jobs, BENCH_PEERS_JOBS
//             (10000; 0 skips this part) after BENCH_PEERS_WARMUP (1000) from BENCH_PEERS_CLIENTS
//             (64) clients, one worker each at BENCH_PEERS_CONCURRENCY (64): jobs/s and
//             peers.handRolled.ratio; then Portkey's gateway (@portkey-ai/gateway) against voxq's
//             /v1/chat/completions with autocannon, BENCH_PEERS_SECONDS (10) each after
//             BENCH_PEERS_WARMUP_S (3): req/s at BENCH_PEERS_CONNECTIONS (16) →
//             peers.portkey.c16.ratio, p50 at one connection → peers.portkey.c1.p50Ratio
//             (tools/bench/peers.mjs).
//   cluster   then (BENCH_CLUSTER=0 skips it) BENCH_CLUSTER_JOBS (5000) jobs through voxq on a local
//             Redis Cluster (3 masters + replicas, REDIS_SHARDS=8): jobs/s against the single-Redis
//             run above, commands per job, and each master's share of them (goal 20-45% each;
//             tools/bench/cluster.mjs).
//   history   then (BENCH_HISTORY=0 skips it) the history tier: Redis bytes per finished job after
//             the hot window, Postgres bytes per job, GET /v1/jobs/:id from Redis and from Postgres,
//             the mover's records/s against the end-to-end job rate, and Redis's used_memory over
//             BENCH_HISTORY_SOAK_S (600; 0 skips it) at BENCH_HISTORY_SOAK_RATE (200) jobs/s
//             (tools/bench/history.mjs).
// Results also go to bench-results/latest.json. Exits 0 whatever the ratio.
//
// This file runs the phases in order and writes the results; the options are read in
// tools/bench/options.mjs, the first two phases live in tools/bench/e2e.mjs and their report
// lines in tools/bench/report.mjs, each later phase in its own module named above.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { printBatches, runBatches } from './bench/batches.mjs';
import { printProfile, summariseProfile } from './bench/cpu-profile.mjs';
import { runBaseline, runVoxq } from './bench/e2e.mjs';
import { runFailover } from './bench/failover.mjs';
import { printFailover } from './bench/failover-print.mjs';
import { printIntake, runIntake } from './bench/intake.mjs';
import { opts } from './bench/options.mjs';
import { stopAll } from './bench/processes.mjs';
import { deletePrefix, ensureRedis } from './bench/redis.mjs';
import { machine, printReport } from './bench/report.mjs';
import { ensureS3 } from './bench/s3.mjs';
import { printPeers, runPeers } from './bench/peers.mjs';
import { printWebhooks, runWebhooks } from './bench/webhooks.mjs';
import { printStreaming, runStreaming } from './bench/streaming.mjs';
import { printRealtime, runRealtime } from './bench/realtime.mjs';
import { printWorkers, runCapacity, runScaling } from './bench/workers.mjs';
import { printCluster, runCluster } from './bench/cluster.mjs';
import { printHistory, runHistory } from './bench/history.mjs';

/** voxq end to end over raw BullMQ, the better of single and bulk: the foundation issue's goal (BENCHMARKS.md). */
const GOAL = 0.3;
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
  const baseline = await runBaseline({ env, redis, prefix, opts });
  step(`voxq end to end, one job per request: ${opts.jobs} complete jobs through POST /v1/jobs (after ${opts.warmup} warm-up)`);
  const voxq = await runVoxq({ env, redis, prefix, opts, profileDir, mode: 'single' });
  step(`voxq end to end, bulk: ${opts.jobs} complete jobs through POST /v1/jobs:batch, ${opts.batch} per request`);
  const bulk = await runVoxq({ env, redis, prefix, opts, profileDir, mode: 'bulk' });
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
  let streaming;
  if (opts.streaming) streaming = await runStreaming({ env, opts, step });
  let realtime;
  if (opts.realtime) realtime = await runRealtime({ env, opts, step });
  let peers;
  if (opts.peers) peers = await runPeers({ env, redis, prefix, opts, step });
  let cluster;
  if (opts.cluster) cluster = await runCluster({ env, opts, step });
  let history;
  if (opts.history) history = await runHistory({ env, redis, prefix, opts, step });

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
    // Issue 16's goal: at most 40 per job, one request per job (scripts' own commands counted, `evalsha` not).
    redisCommandsPerJob: voxq.redis.totalExcludingScripts,
    ...(webhooks ? { webhooks: { ...webhooks, ratio: webhooks.deliveriesPerSecond / baseline.jobsPerSecond } } : {}),
    ...(failover ? { failover } : {}),
    ...(batches ? { batches: { ...batches, ratio: batches.linesPerSecond / baseline.jobsPerSecond } } : {}),
    ...(intake ? { intake } : {}),
    ...(capacity ? { capacity } : {}),
    ...(scaling ? { scaling } : {}),
    ...(streaming ? { streaming } : {}),
    ...(realtime ? { realtime } : {}),
    ...(peers ? { peers } : {}),
    ...(cluster ? { cluster: { ...cluster, ratio: cluster.jobsPerSecond / voxq.jobsPerSecond } } : {}),
    ...(history ? { history: { ...history, moverRatio: history.mover.recordsPerSecond / voxq.jobsPerSecond } } : {}),
  };
  await cleanup(); // Stops the apps, which writes their CPU profiles.
  printReport(result);
  if (webhooks) printWebhooks(webhooks, baseline);
  if (failover) printFailover(failover);
  if (batches) printBatches(batches, baseline);
  if (intake) printIntake(intake);
  if (capacity || scaling) printWorkers(capacity, scaling);
  if (streaming) printStreaming(streaming);
  if (realtime) printRealtime(realtime);
  if (peers) printPeers(peers);
  if (cluster) printCluster(cluster, voxq.jobsPerSecond);
  if (history) printHistory(history, voxq.jobsPerSecond);
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
