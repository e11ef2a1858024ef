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
//               CHAOS_REDIS_DOWN_MS (2.5 s) later; every app must reconnect by itself;
//   webhooks    the receiver answers 503 (Retry-After: 1) from 30% to 40% and refuses
//               connections from 40% to 50%; WEBHOOK_RETRY_SCHEDULE is compressed to ~70 s;
//   cancels     one job in 12 (picked by a hash of its number) is cancelled with DELETE /v1/jobs/:id
//               0-120 ms after it was accepted.
//
// Then it waits (CHAOS_SETTLE_S, 150 s at most) until every job is finished and its webhook
// heard, and checks: none lost (a record for every accepted id, the tenant's indexes agree),
// each finished (completed, failed with error.code and message, or cancelled), no double
// result (one terminal type, one webhook-id and one body per job, matching the record; a
// job cancelled with a 200 stays cancelled), every terminal webhook received. It prints the
// counts and exits 1 on any loss or violation. Docs: docs/chaos.md.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { start, stop, stopAll } from './bench/processes.mjs';
import { httpOk, sleep, until } from './bench/wait.mjs';
import { createLoad, typeOf } from './chaos/load.mjs';
import { startReceiver } from './chaos/receiver.mjs';
import { startChaosRedis } from './chaos/redis-server.mjs';
import { settled, verify } from './chaos/verify.mjs';
import { freePort } from './lib/net.mjs';

const int = (name, def, min = 0) => {
  const value = Number(process.env[name] || def);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${process.env[name]}).`);
  return value;
};
const opts = {
  jobs: int('CHAOS_JOBS', 5_000, 20),
  submitSeconds: int('CHAOS_SUBMIT_S', 60, 10),
  settleSeconds: int('CHAOS_SETTLE_S', 150, 10),
  /** One job in this many is cancelled. */
  cancelEvery: int('CHAOS_CANCEL_EVERY', 12, 2),
  /** How long Redis stays down: long enough that the API's commands fail (they retry 3 times). */
  redisDownMs: int('CHAOS_REDIS_DOWN_MS', 2_500),
  keepLogs: process.env.CHAOS_KEEP_LOGS === '1',
};
const FAULTS = { mix: [{ rate: 0.2, fault: { status: 503 } }, { rate: 0.05, fault: { hang: true } }] };
const VENDORS = ['openai', 'groq'];
const BURST_429 = 25;

const t0 = performance.now();
const at = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
const step = (text) => console.log(`${at()}  ${text}`);

const logDir = mkdtempSync(join(tmpdir(), 'voxq-chaos-logs-'));
const apps = new Map(); // name → child
const unexpectedExits = [];
const timeline = [];
let redis;
let monitor;
let s3;
let receiver;
let load;

function app(name, script, env) {
  const child = start(name, process.execPath, [`dist/apps/${script}/main.js`], { env });
  const file = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  child.stdout.pipe(file, { end: false });
  child.stderr.pipe(file, { end: false });
  child.expectedExit = false;
  void child.exited.then((code) => {
    file.end();
    if (!child.expectedExit && apps.get(name) === child) {
      unexpectedExits.push({ name, code, at: at(), tail: String(child.tail).split('\n').slice(-8).join('\n') });
      step(`!! ${name} exited unexpectedly (${code})`);
    }
  });
  apps.set(name, child);
  return child;
}

/**
 * One job in `cancelEvery`, picked by an integer hash of its number: `i % n` would line up
 * with the type pattern (every 20th) and never cancel a transcribe, or never a synthesize.
 */
function chosenForCancel(i) {
  let h = Math.imul(i ^ (i >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) % opts.cancelEvery === 0;
}

/** Resolves when the child prints `text` (its logs are JSON lines; LOG_LEVEL must show it). */
function logged(child, text, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not log '${text}' within ${timeoutMs} ms:\n${child.tail}`)), timeoutMs);
    const on = (chunk) => {
      if (!String(chunk).includes(text)) return;
      clearTimeout(timer);
      child.stdout.off('data', on);
      resolve();
    };
    child.stdout.on('data', on);
  });
}

/**
 * SIGKILL, 1 s down, started again and waited for until it serves its queue (it logs
 * `ready`): the next fault waits for that, so a Redis outage never meets an app still
 * starting (whose start-up check refuses to start without Redis: see docs/chaos.md).
 */
async function killAndRestart(name, startApp, ready) {
  const child = apps.get(name);
  child.expectedExit = true;
  child.kill('SIGKILL');
  await child.exited;
  await sleep(1_000);
  await logged(startApp(name), ready, 30_000);
}

async function ensureS3() {
  const { default: S3rver } = await import('s3rver');
  const directory = mkdtempSync(join(tmpdir(), 'voxq-chaos-s3-'));
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: 'voxq-chaos' }] });
  await server.run();
  return {
    env: { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_FORCE_PATH_STYLE: 'true', S3_REGION: 'us-east-1', S3_BUCKET: 'voxq-chaos', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' },
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function admin(simulatorUrl, method, what, provider, body) {
  const res = await fetch(`${simulatorUrl}/_simulator/${what}?provider=${provider}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${what}: ${res.status} ${await res.text()}`);
}

/** Provider failures the workers logged, by kind: proof the faults reached voxq. */
function providerFailures() {
  const out = { timeout: 0, '5xx': 0, '429': 0, other: 0 };
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

/** Log lines per app that mention a lost Redis connection: proof the restart reached them. */
function redisErrorsByApp() {
  const out = {};
  for (const name of apps.keys()) {
    try {
      const text = readFileSync(join(logDir, `${name}.log`), 'utf8');
      // The receiver refuses connections too: only lines naming Redis's port, or ioredis's own errors.
      const port = `:${redis.port}`;
      out[name] = text.split('\n').filter((l) => l.includes(port) || /Connection is closed|max retries per request/i.test(l)).length;
    } catch {
      out[name] = 0;
    }
  }
  return out;
}

let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  // Apps first, while Redis still answers (their graceful shutdown talks to it).
  for (const child of apps.values()) child.expectedExit = true;
  await Promise.all([...apps.values()].map((child) => stop(child, 5_000)));
  await stopAll();
  monitor?.disconnect();
  await load?.close().catch(() => undefined);
  await receiver?.close();
  await s3?.close().catch(() => undefined);
  redis?.removeData();
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

  redis = await startChaosRedis();
  const prefix = `chaos-${Date.now()}`;
  // The suite's own view of Redis: it must live through the restart too.
  monitor = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 1_000) });
  monitor.on('error', () => undefined);
  s3 = await ensureS3();
  step(`redis-server pid ${redis.pid} on port ${redis.port} (AOF, appendfsync always); s3rver ${s3.env.S3_ENDPOINT}; prefix ${prefix}`);

  const simulatorPort = await freePort();
  const apiPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    ...process.env,
    ...s3.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    SIMULATOR_PORT: String(simulatorPort),
    API_RATE_LIMIT_PER_SECOND: '0',
    TENANT_MONTHLY_JOB_ALLOWANCE: '0',
    OPENAI_API_KEY: 'sk-sim-chaos',
    OPENAI_BASE_URL: `${simulatorUrl}/v1`,
    GROQ_API_KEY: 'sk-sim-chaos',
    GROQ_BASE_URL: `${simulatorUrl}/groq/openai/v1`,
    // Speech goes through the simulator's OpenAI-compatible audio routes, not local engines.
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
    WORKER_CONCURRENCY: '32',
    // A hang is given up on quickly, then retried or failed over.
    PROVIDER_TIMEOUT_MS: '1500',
    PROVIDER_ATTEMPT_DEADLINE_MS: '5000',
    // 25% faults trip the default breaker (5 in 30 s) at once; a short, forgiving one keeps
    // the breaker in play (jobs wait, delayed, while it is open) without parking every job.
    PROVIDER_BREAKER_FAILURES: '40',
    PROVIDER_BREAKER_WINDOW_MS: '1000',
    PROVIDER_BREAKER_COOLDOWN_MS: '500',
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '200',
    WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s',
    WEBHOOK_TIMEOUT_MS: '5000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_ALLOW_HTTP: 'true',
  };

  // The simulator listens on loopback only outside production.
  const simulator = app('simulator', 'simulator', { ...env, NODE_ENV: 'development' });
  await until('the simulator', () => httpOk(`${simulatorUrl}/_simulator/health`), 15_000);
  for (const vendor of VENDORS) await admin(simulatorUrl, 'PUT', 'latency', vendor, { latencyMs: 20, jitterMs: 30 });

  const keys = spawnSync(process.execPath, ['dist/apps/cli/main.js', 'keys', 'create', '--tenant', 'chaos', '--json'], { env, encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`keys create failed: ${keys.stderr || keys.stdout}`);
  const { apiKey, webhookSecret } = JSON.parse(keys.stdout);
  receiver = await startReceiver(webhookSecret);

  app('api', 'api', env);
  // Workers and the dispatcher log at info: '… started' says a restarted one serves again.
  const startDispatcher = (name) => app(name, 'dispatcher', { ...env, LOG_LEVEL: 'info' });
  const startWorker = (name) => app(name, 'worker', { ...env, LOG_LEVEL: 'info' });
  const workersUp = [
    logged(startDispatcher('dispatcher'), 'dispatcher started', 30_000),
    logged(startWorker('worker-a'), 'worker started', 30_000),
    logged(startWorker('worker-b'), 'worker started', 30_000),
  ];
  await until('the api', () => httpOk(`${apiUrl}/readyz`), 20_000);
  await Promise.all(workersUp);
  void simulator;

  load = createLoad({ apiUrl, apiKey, webhookUrl: receiver.url, runId: prefix });
  const submitted = new Map(); // id → { i, type }
  const cancels = new Map(); // id → 'cancelled' | 'conflict' | null
  const giveUpAt = () => Date.now() + opts.settleSeconds * 1000;
  const windowMs = opts.submitSeconds * 1000;
  const duplicateIds = [];
  let notAccepted = 0;

  step(`submitting ${opts.jobs} jobs over ${opts.submitSeconds} s with ${FAULTS.mix.map((m) => `${m.rate * 100}% ${'hang' in m.fault ? 'hangs' : m.fault.status}`).join(' + ')} on ${VENDORS.join(', ')}`);
  for (const vendor of VENDORS) await admin(simulatorUrl, 'PUT', 'chaos', vendor, FAULTS);
  const started = performance.now();
  const mark = (what) => {
    timeline.push({ at: at(), what });
    step(what);
  };

  // The chaos schedule, as fractions of the submission window. Process faults run one after
  // another (each no earlier than its time, never before the previous one has recovered).
  const events = [];
  const after = (fraction, fn) => events.push(sleep(fraction * windowMs).then(fn));
  let processFaults = Promise.resolve();
  const then = (fraction, fn) => {
    const due = sleep(fraction * windowMs);
    processFaults = Promise.all([processFaults, due]).then(fn);
    events.push(processFaults);
  };
  then(0.25, () => killAndRestart('worker-a', startWorker, 'worker started').then(() => mark('worker-a SIGKILLed, started again and serving')));
  after(0.3, () => (receiver.unavailable(), mark('receiver: 503 + Retry-After from now')));
  after(0.4, () => receiver.refusing().then(() => mark('receiver: connections refused from now')));
  then(0.45, async () => {
    const ms = await redis.crashAndRestart(opts.redisDownMs);
    mark(`redis-server SIGKILLed and restarted on its AOF (${ms} ms without Redis), pid ${redis.pid}`);
    const t = performance.now();
    await until('the api to answer /readyz again', () => httpOk(`${apiUrl}/readyz`), 30_000, 50);
    mark(`api ready again ${Math.round(performance.now() - t)} ms after Redis came back`);
  });
  after(0.5, () => receiver.up().then(() => mark('receiver: up again')));
  // While the receiver answers 300 ms after taking a delivery, so that the kill catches
  // deliveries received but not yet acknowledged: BullMQ's stalled check sends them again,
  // duplicates that must carry the same webhook-id.
  then(0.55, async () => {
    receiver.slow(300);
    await sleep(1_000);
    await killAndRestart('dispatcher', startDispatcher, 'dispatcher started');
    receiver.slow(0);
    mark('dispatcher SIGKILLed (receiver answering 300 ms late), started again and serving');
  });
  then(0.65, () => killAndRestart('worker-b', startWorker, 'worker started').then(() => mark('worker-b SIGKILLed, started again and serving')));
  let bursts = 0;
  const burstTimer = setInterval(() => {
    const vendor = VENDORS[bursts++ % VENDORS.length];
    const faults = Array.from({ length: BURST_429 }, () => ({ status: 429, retryAfterSeconds: 1 }));
    void admin(simulatorUrl, 'POST', 'faults', vendor, faults).catch((error) => step(`429 burst not queued: ${error.message}`));
  }, 6_000);

  // Submissions at a steady pace; at most 64 in flight.
  const inFlight = new Set();
  const cancelsInFlight = [];
  for (let i = 0; i < opts.jobs; i++) {
    const due = started + (i * windowMs) / opts.jobs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const p = load.submit(i, giveUpAt()).then((id) => {
      if (!id) return void (notAccepted += 1);
      if (submitted.has(id)) duplicateIds.push({ id, first: submitted.get(id).i, again: i });
      submitted.set(id, { i, type: typeOf(i) });
      if (chosenForCancel(i)) {
        cancelsInFlight.push(sleep((i % 7) * 20).then(async () => cancels.set(id, await load.cancel(id, giveUpAt()))));
      }
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  clearInterval(burstTimer);
  await Promise.all(events);
  await Promise.all(cancelsInFlight);
  mark(`${submitted.size} jobs accepted (${load.stats.submitRetries} submissions repeated), ${load.stats.cancelled} cancelled, ${load.stats.cancelConflict} already finished when cancelled; provider faults off`);
  for (const vendor of VENDORS) await admin(simulatorUrl, 'PUT', 'chaos', vendor, null);

  // Settle: every record finished and its webhook heard, or the deadline.
  const ids = [...submitted.keys()];
  const deadline = Date.now() + opts.settleSeconds * 1000;
  let state;
  for (;;) {
    state = await settled(monitor, prefix, ids, receiver);
    if (state.done || Date.now() > deadline) break;
    await sleep(1_000);
  }
  mark(
    state.done
      ? 'settled: every job finished, its webhook heard, no BullMQ job left (stalled ones re-run)'
      : `deadline: ${state.open} jobs unfinished, ${state.unheard} finished without a webhook, ${state.queued} BullMQ jobs unfinished`,
  );

  const result = await verify({ redis: monitor, prefix, tenant: 'chaos', submitted, cancels, receiver });
  const deadLetters = await monitor.llen(`${prefix}:webhooks:dead-letter`);
  return { result, settledInTime: state.done, notAccepted, duplicateIds, deadLetters, seconds: (performance.now() - t0) / 1000, processingSeconds: (performance.now() - started) / 1000 };
}

function report({ result, settledInTime, notAccepted, duplicateIds, deadLetters, seconds, processingSeconds }) {
  const { counts, problems } = result;
  const row = (label, value) => console.log(`  ${label.padEnd(30)}${value}`);
  console.log(`\nvoxq chaos: ${opts.jobs} jobs over ${opts.submitSeconds} s`);
  row('submitted (accepted ids)', counts.submitted);
  row('  by type', Object.entries(counts.byType).map(([t, c]) => `${t} ${c.submitted} (${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled)`).join('; '));
  row('completed', counts.completed);
  row('failed', `${counts.failed} ${JSON.stringify(counts.failedByCode)}`);
  row('cancelled', `${counts.cancelled} (DELETE: ${load.stats.cancelRequests} sent, ${load.stats.cancelled} answered 200, ${load.stats.cancelConflict} 409 already finished)`);
  row('lost', problems.lost.length);
  row('unfinished at the deadline', problems.unfinished.length);
  row('failed without a reason', problems.noReason.length);
  row('double results', problems.doubleResults.length);
  row('index mismatches', problems.indexMismatch.length);
  row('webhook missing', problems.webhookMissing.length);
  row('webhook deliveries', `${counts.deliveries} received, ${counts.duplicates} duplicates (same webhook-id)`);
  row('receiver', `${receiver.stats.refused503} answered 503 while down, ${receiver.stats.badSignature} bad signatures, ${receiver.stats.badBody} bad bodies`);
  row('dead-lettered deliveries', deadLetters);
  row('tenant index', JSON.stringify(counts.index));
  row('provider failures seen', JSON.stringify(providerFailures()));
  row('attempts', `${counts.retried} jobs took more than one attempt; ${counts.stalledReruns} were re-run after their worker was killed`);
  row('apps that lost Redis', JSON.stringify(redisErrorsByApp()));
  row('cancel requests repeated', `${load.stats.cancelRetries} (${JSON.stringify(load.stats.cancelErrors)})`);
  row('submissions', `${load.stats.submitRetries} repeated (${JSON.stringify(load.stats.submitErrors)}), ${notAccepted} never accepted, ${duplicateIds.length} ids returned twice`);
  row('unexpected app exits', unexpectedExits.length ? unexpectedExits.map((e) => `${e.name} (${e.code}) at ${e.at}`).join(', ') : 'none');
  row('duration', `${seconds.toFixed(1)} s (${processingSeconds.toFixed(1)} s from the first submission)`);
  for (const [kind, list] of Object.entries(problems)) {
    if (list.length) console.log(`\n${kind} (${list.length}), first ${Math.min(5, list.length)}:\n${list.slice(0, 5).map((p) => `  ${JSON.stringify(p)}`).join('\n')}`);
  }
  for (const e of unexpectedExits) console.log(`\n${e.name} exited (${e.code}) at ${e.at}; its last output:\n${e.tail}`);
  if (duplicateIds.length) console.log(`\nids returned twice: ${JSON.stringify(duplicateIds.slice(0, 5))}`);
  return settledInTime && result.ok && notAccepted === 0 && duplicateIds.length === 0 && unexpectedExits.length === 0 && receiver.stats.badSignature === 0;
}

let passed = false;
try {
  const outcome = await main();
  passed = report(outcome);
  console.log(`\n${passed ? 'PASS' : 'FAIL'}: ${passed ? 'no job lost, none processed twice, every webhook heard' : 'see above'}`);
} catch (error) {
  if (!cleaning) console.error(`\nchaos suite failed: ${error.stack ?? error}`);
  for (const child of apps.values()) if (child.exitCode !== null && !child.expectedExit) console.error(`${child.name}: ${child.tail}`);
}
await cleanup();
if (!passed || opts.keepLogs) {
  mkdirSync(logDir, { recursive: true });
  console.log(`app logs: ${logDir}`);
} else {
  rmSync(logDir, { recursive: true, force: true });
}
process.exit(passed ? 0 : 1);
