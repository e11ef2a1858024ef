// `npm run test:chaos`: voxq under failure. CHAOS_JOBS (5,000) mixed jobs (complete, with every
// 20th a transcribe and every 20th a synthesize, both through the simulator's OpenAI-compatible
// audio routes) are submitted at a steady pace over CHAOS_SUBMIT_S (60) seconds, each with a
// webhook to a receiver in this process, while:
//
//   providers   the simulator app (openai and groq, both mounted on it) answers 20% of calls
//               with a 503 and leaves 5% hanging (PROVIDER_TIMEOUT_MS 1.5 s gives up on them),
//               and every 6 s one vendor gets a burst of 429s with Retry-After: 1;
//   workers     two worker processes; at 25% and 65% of the window one is SIGKILLed and
//               started again 1 s later (its jobs come back through BullMQ's stalled check);
//               at 55% the dispatcher likewise, while the receiver answers 300 ms late (its
//               deliveries in flight are sent again: duplicates with the same webhook-id);
//   redis       a redis-server of the suite's own (free port, AOF on, appendfsync always: see
//               tools/chaos/redis-server.mjs) is SIGKILLed at 45% and restarted on its data
//               CHAOS_REDIS_DOWN_MS (2.5 s) later; every app must reconnect by itself. With
//               CHAOS_REDIS=cluster (`npm run test:chaos:cluster`: 3,000 jobs over 45 s by
//               default) a local 6-node Redis Cluster of its own instead: its busiest master
//               is failed over (CLUSTER FAILOVER) at 35%, and another SIGKILLed at 45%, its
//               replica promoted and the killed node restarted as a replica
//               (tools/chaos/redis-cluster.mjs);
//   webhooks    the receiver answers 503 (Retry-After: 1) from 30% to 40% and refuses
//               connections from 40% to 50%; WEBHOOK_RETRY_SCHEDULE is compressed to ~70 s;
//   cancels     one job in 12 (picked by a hash of its number) is cancelled with DELETE /v1/jobs/:id
//               0-120 ms after it was accepted.
//
// Then it waits (CHAOS_SETTLE_S, 150 s at most) until every job is finished and its webhook
// heard, and checks, through the HTTP API as a client would (tools/chaos/observe.mjs): none
// lost (a record for every accepted id, the tenant's listings agree),
// each finished (completed, failed with error.code and message, or cancelled), no double
// result (one terminal type, one webhook-id and one body per job, matching the record; a
// job cancelled with a 200 stays cancelled), every terminal webhook received. It prints the
// counts and exits 1 on any loss or violation. Docs: docs/chaos.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAll } from './bench/processes.mjs';
import { httpOk, sleep, until } from './bench/wait.mjs';
import { chaosEnv } from './chaos/app-env.mjs';
import { createApps, logged } from './chaos/apps.mjs';
import { describeFaults, providerFaults, scheduleFaults, simulatorAdmin, VENDORS } from './chaos/faults.mjs';
import { createLoad } from './chaos/load.mjs';
import { startReceiver } from './chaos/receiver.mjs';
import { createObserver } from './chaos/observe.mjs';
import { REDIS_MODES, startRedis } from './chaos/redis.mjs';
import { providerFailures, redisErrorsByApp, report } from './chaos/report.mjs';
import { startChaosPostgres } from './chaos/postgres.mjs';
import { startChaosS3 } from './chaos/s3rver.mjs';
import { submitJobs } from './chaos/submissions.mjs';
import { settled, verify } from './chaos/verify.mjs';
import { freePort } from './lib/net.mjs';

const int = (name, def, min = 0) => {
  const value = Number(process.env[name] || def);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${process.env[name]}).`);
  return value;
};
const redisMode = process.env.CHAOS_REDIS || 'single';
if (!REDIS_MODES.includes(redisMode)) throw new Error(`CHAOS_REDIS must be one of ${REDIS_MODES.join(', ')} (got ${redisMode}).`);
// A cluster's commands cost more, and its failovers take longer than one restart: fewer jobs keep the run within 3 minutes.
const onCluster = redisMode === 'cluster';
const opts = {
  redisMode,
  jobs: int('CHAOS_JOBS', onCluster ? 3_000 : 5_000, 20),
  submitSeconds: int('CHAOS_SUBMIT_S', onCluster ? 45 : 60, 10),
  settleSeconds: int('CHAOS_SETTLE_S', 150, 10),
  /** One job in this many is cancelled. */
  cancelEvery: int('CHAOS_CANCEL_EVERY', 12, 2),
  /** How long Redis stays down: long enough that the API's commands fail (they retry 3 times). */
  redisDownMs: int('CHAOS_REDIS_DOWN_MS', 2_500),
  /** The history tier on a Postgres of the suite's own (one Redis only; CHAOS_HISTORY=0 leaves it out). */
  history: !onCluster && process.env.CHAOS_HISTORY !== '0',
  postgresDownMs: int('CHAOS_POSTGRES_DOWN_MS', 3_000),
  keepLogs: process.env.CHAOS_KEEP_LOGS === '1',
};

const t0 = performance.now();
const at = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
const step = (text) => console.log(`${at()}  ${text}`);

const logDir = mkdtempSync(join(tmpdir(), 'voxq-chaos-logs-'));
const apps = createApps({ logDir, at, step });
let redis;
let postgres;
let observer;
let s3;
let receiver;
let load;

let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  // Apps first, while Redis still answers (their graceful shutdown talks to it).
  await apps.stopApps();
  await observer?.close().catch(() => undefined);
  await stopAll();
  await load?.close().catch(() => undefined);
  await receiver?.close();
  await s3?.close().catch(() => undefined);
  redis?.stop();
  postgres?.stop();
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the chaos suite's processes…`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  step('building api, worker, dispatcher, simulator, cli');
  const build = spawnSync(process.execPath, ['tools/build-app.mjs', 'api', 'worker', 'dispatcher', 'simulator', 'cli'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  redis = await startRedis(redisMode, { redisDownMs: opts.redisDownMs });
  const { prefix } = redis;
  s3 = await startChaosS3();
  step(`${redis.description}; s3rver ${s3.env.S3_ENDPOINT}; prefix ${prefix}`);
  if (opts.history) {
    postgres = await startChaosPostgres({ downMs: opts.postgresDownMs });
    step(postgres ? `history tier: ${postgres.description}` : 'history tier left out: no Postgres installed (apt-get install -y postgresql)');
  }

  const simulatorPort = await freePort();
  const apiPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    ...chaosEnv({ s3Env: s3.env, redisEnv: redis.env, prefix, apiPort, simulatorPort, simulatorUrl }),
    // A short hot window: most jobs are read back from Postgres by the verdict.
    ...(postgres ? { POSTGRES_URL: postgres.url, POSTGRES_POOL_MAX: '4', JOB_HOT_SECONDS: '5' } : {}),
  };

  // The simulator listens on loopback only outside production.
  apps.app('simulator', 'simulator', { ...env, NODE_ENV: 'development' });
  await until('the simulator', () => httpOk(`${simulatorUrl}/_simulator/health`), 15_000);
  for (const vendor of VENDORS) await simulatorAdmin(simulatorUrl, 'PUT', 'latency', vendor, { latencyMs: 20, jitterMs: 30 });

  const keys = spawnSync(process.execPath, ['dist/apps/cli/main.js', 'keys', 'create', '--tenant', 'chaos', '--json'], { env, encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`keys create failed: ${keys.stderr || keys.stdout}`);
  const { apiKey, webhookSecret } = JSON.parse(keys.stdout);
  receiver = await startReceiver(webhookSecret);

  apps.app('api', 'api', env);
  // Workers and the dispatcher log at info: '… started' says a restarted one serves again.
  const startDispatcher = (name) => apps.app(name, 'dispatcher', { ...env, LOG_LEVEL: 'info' });
  const startWorker = (name) => apps.app(name, 'worker', { ...env, LOG_LEVEL: 'info' });
  const workersUp = [
    logged(startDispatcher('dispatcher'), 'dispatcher started', 30_000),
    logged(startWorker('worker-a'), 'worker started', 30_000),
    logged(startWorker('worker-b'), 'worker started', 30_000),
  ];
  await until('the api', () => httpOk(`${apiUrl}/readyz`), 20_000);
  await Promise.all(workersUp);

  load = createLoad({ apiUrl, apiKey, webhookUrl: receiver.url, runId: prefix });
  // The suite's own view of voxq: it must live through the Redis faults too.
  observer = createObserver({ apiUrl, apiKey, env });
  const giveUpAt = () => Date.now() + opts.settleSeconds * 1000;
  const windowMs = opts.submitSeconds * 1000;

  step(
    `submitting ${opts.jobs} jobs over ${opts.submitSeconds} s with ${describeFaults()} on ${VENDORS.join(', ')}; ${redis.faultsDescription}${postgres ? `; ${postgres.faultsDescription}` : ''}`,
  );
  await providerFaults(simulatorUrl, true);
  const started = performance.now();
  const schedule = scheduleFaults({
    windowMs,
    apps,
    startWorker,
    startDispatcher,
    redisFaults: redis.faults,
    postgresFaults: postgres?.faults ?? [],
    receiver,
    apiUrl,
    simulatorUrl,
    mark: step,
    step,
  });
  const { submitted, cancels, duplicateIds, notAccepted, cancelsInFlight } = await submitJobs({
    load,
    jobs: opts.jobs,
    windowMs,
    started,
    cancelEvery: opts.cancelEvery,
    giveUpAt,
  });
  schedule.stopBursts();
  await Promise.all(schedule.events);
  await Promise.all(cancelsInFlight);
  step(
    `${submitted.size} jobs accepted (${load.stats.submitRetries} submissions repeated), ${load.stats.cancelled} cancelled, ${load.stats.cancelConflict} already finished when cancelled; provider faults off`,
  );
  await providerFaults(simulatorUrl, false);

  // Settle: every record finished and its webhook heard, or the deadline.
  const ids = [...submitted.keys()];
  const deadline = Date.now() + opts.settleSeconds * 1000;
  const finished = new Map();
  let state;
  for (;;) {
    state = await settled(observer, ids, receiver, finished);
    if (state.done || Date.now() > deadline) break;
    await sleep(1_000);
  }
  step(
    state.done
      ? 'settled: every job finished, its webhook heard, no BullMQ job left (stalled ones re-run)'
      : `deadline: ${state.open} jobs unfinished, ${state.unheard} finished without a webhook, ${state.queued} BullMQ jobs unfinished`,
  );

  const result = await verify({ observer, submitted, cancels, receiver });
  if (postgres) await verifyHistory(result, ids, finished);
  const deadLetters = await observer.deadLetters();
  return {
    result,
    settledInTime: state.done,
    notAccepted,
    duplicateIds,
    deadLetters,
    seconds: (performance.now() - t0) / 1000,
    processingSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Every finished job reaches the history tier once, with the status the API reported, and its
 * webhook's delivery (which the receiver heard) with it, succeeded: the backlog Postgres's
 * outages left is moved within a minute and a half of the verdict.
 */
async function verifyHistory(result, ids, finished) {
  const deadline = Date.now() + 90_000;
  let rows = await postgres.rows(ids);
  let deliveries = await postgres.deliveries(ids);
  const delivered = () => [...finished.keys()].filter((id) => (deliveries.get(id)?.succeeded ?? 0) > 0).length;
  while ((rows.size < finished.size || delivered() < finished.size) && Date.now() < deadline) {
    await sleep(1_000);
    [rows, deliveries] = await Promise.all([postgres.rows(ids), postgres.deliveries(ids)]);
  }
  const missing = [...finished.keys()].filter((id) => !rows.has(id)).map((id) => ({ id }));
  const wrong = [...rows]
    .filter(([id, row]) => row.n !== 1 || finished.get(id)?.status !== row.status)
    .map(([id, row]) => ({ id, ...row, api: finished.get(id)?.status }));
  const undelivered = [...finished.keys()].filter((id) => !((deliveries.get(id)?.succeeded ?? 0) > 0)).map((id) => ({ id, ...deliveries.get(id) }));
  result.problems.historyMissing = missing;
  result.problems.historyMismatch = wrong;
  result.problems.historyDeliveriesMissing = undelivered;
  result.counts.history = { inPostgres: rows.size, finished: finished.size, deliveriesInPostgres: [...deliveries.values()].reduce((n, d) => n + d.n, 0) };
  result.ok = result.ok && missing.length === 0 && wrong.length === 0 && undelivered.length === 0;
  step(
    `history: ${rows.size} of ${finished.size} finished jobs in Postgres, ${missing.length} missing, ${wrong.length} mismatched or doubled; ` +
      `${finished.size - undelivered.length} with their webhook's succeeded delivery there, ${undelivered.length} without`,
  );
}

let passed = false;
try {
  const outcome = await main();
  passed = report({
    outcome,
    opts,
    load,
    receiver,
    unexpectedExits: apps.unexpectedExits,
    providerFailuresSeen: providerFailures(logDir),
    redisErrors: redisErrorsByApp(logDir, apps.apps.keys(), redis.ports),
  });
  console.log(`\n${passed ? 'PASS' : 'FAIL'}: ${passed ? 'no job lost, none processed twice, every webhook heard' : 'see above'}`);
} catch (error) {
  if (!cleaning) console.error(`\nchaos suite failed: ${error.stack ?? error}`);
  for (const child of apps.apps.values()) if (child.exitCode !== null && !child.expectedExit) console.error(`${child.name}: ${child.tail}`);
}
await cleanup();
if (!passed || opts.keepLogs) {
  mkdirSync(logDir, { recursive: true });
  console.log(`app logs: ${logDir}`);
} else {
  rmSync(logDir, { recursive: true, force: true });
}
process.exit(passed ? 0 : 1);
