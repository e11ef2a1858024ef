// The failover phase of `npm run bench`: the same `complete` jobs with the primary LLM
// provider healthy, then answering 30% of its requests with a 503, and what that costs.
//
// Two LLM providers point at one provider simulator (its own process): OpenAI at
// `<sim>/openai/v1` and Anthropic at `<sim>/anthropic`, each with a simulated latency
// (50 ± 20 ms by default). Every run gets fresh api and worker processes, a fresh
// REDIS_PREFIX and tenant, so health, breakers and counts never carry over:
//
//   no faults     the reference; its warm-up tells which provider ranks first (the primary)
//   defaults      chaos on the primary (rate 0.3, 503), voxq's default breaker (5 failures
//                 in 30 s open it for 30 s) and live-health ranking: what production does
//   breaker off   the same with PROVIDER_BREAKER_FAILURES=1000000: live-health ranking only
//   pinned        breaker off and catalog overrides (VOXQ_CONFIG_FILE) that keep the primary
//                 first even at 30% errors: every job tries it first, pure per-request failover
//   cooldown      the default breaker with a 1 s cooldown, so half-open probes happen in the
//                 run; `cooldown-pinned` the same with the primary pinned first
//
// Each run: a warm-up (not measured), then BENCH_FAILOVER_JOBS jobs offered at
// BENCH_FAILOVER_RATE jobs/s through POST /v1/jobs:batch, until every job is finished (or
// BENCH_TIMEOUT_S). Figures come from the job records (one pipeline of HMGETs): status,
// result.provider / failoverCount / providerAttempts, and latency = finishedAt − createdAt.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/net.mjs';
import { openClient, percentile } from './http-load.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { httpOk, sleep, until } from './wait.mjs';

const PROVIDERS = ['openai', 'anthropic'];
const round = (n, digits = 0) => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export const VARIANTS = [
  { id: 'nofault', label: 'no faults', chaos: false },
  { id: 'defaults', label: '30% 503s on the primary, breaker defaults', chaos: true },
  { id: 'nobreaker', label: '30% 503s, breaker off', chaos: true, env: { PROVIDER_BREAKER_FAILURES: '1000000' } },
  { id: 'pinned', label: '30% 503s, breaker off, primary pinned first', chaos: true, env: { PROVIDER_BREAKER_FAILURES: '1000000' }, pin: true },
  { id: 'cooldown', label: '30% 503s, breaker 5/30 s, 1 s cooldown', chaos: true, env: { PROVIDER_BREAKER_COOLDOWN_MS: '1000' } },
  { id: 'cooldown-pinned', label: '30% 503s, 1 s cooldown, primary pinned first', chaos: true, env: { PROVIDER_BREAKER_COOLDOWN_MS: '1000' }, pin: true },
];

async function admin(simulatorUrl, method, path, provider, body) {
  const res = await fetch(`${simulatorUrl}/_simulator/${path}?provider=${provider}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`simulator ${method} ${path} (${provider}): HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The jobs of one batch request, and the ids the API gave them. */
async function submitBatch(client, headers, bodies, n) {
  const res = await client.post('/v1/jobs:batch', headers, bodies(n));
  if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text).data.map((view) => view.id);
}

/**
 * Offers `jobs` jobs at `rate` jobs/s (open loop: a request goes out when it is due, whether
 * or not earlier ones have been answered), `batch` per request; rate 0 sends them all at once.
 */
async function submitPaced(client, { headers, bodies, jobs, batch, rate }) {
  const ids = [];
  const failures = new Map();
  const requests = Math.ceil(jobs / batch);
  const started = performance.now();
  const pending = [];
  for (let k = 0; k < requests; k++) {
    if (rate > 0) {
      const wait = started + ((k * batch) / rate) * 1000 - performance.now();
      if (wait > 1) await sleep(wait);
    }
    const n = Math.min(batch, jobs - k * batch);
    pending.push(
      submitBatch(client, headers, bodies, n).then(
        (got) => ids.push(...got),
        (error) => failures.set(error.message, (failures.get(error.message) ?? 0) + n),
      ),
    );
  }
  await Promise.all(pending);
  return { ids, failures: Object.fromEntries(failures), ms: performance.now() - started };
}

/** The records of `ids` (status, times, attempts, result, error), in pipelines of 1,000. */
async function readRecords(redis, prefix, ids) {
  const out = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + 1000)) pipeline.hmget(`${prefix}:job:${id}`, 'status', 'createdAt', 'finishedAt', 'attempts', 'result', 'error');
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

const inc = (o, key, by = 1) => void (o[key] = (o[key] ?? 0) + by);

/** What one run's records say. */
function summarise(records, primary) {
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

/**
 * Samples the primary's breaker keys every 100 ms: how often it opened and closed, how long
 * it was open, half-open, and had a probe claimed, its state changes and its state at the
 * end. `open` = breaker set and cooling down; `half-open` = breaker set, cooldown over (one
 * probe may claim it). Changes shorter than a sample (a probe that succeeds at once) are missed.
 */
function watchBreaker(redis, prefix, provider) {
  const key = `${prefix}:provider:llm:${provider}`;
  const time = { closed: 0, open: 0, 'half-open': 0 };
  const timeline = [];
  const began = performance.now();
  let [state, opened, closed, probeHeldMs, heldProbe, last, stopped] = ['closed', 0, 0, 0, false, began, false];
  const loop = (async () => {
    while (!stopped) {
      const [[, breaker], [, cooldown], [, probe]] = (await redis.pipeline().exists(`${key}:breaker`).exists(`${key}:cooldown`).exists(`${key}:probe`).exec()) ?? [[], [], []];
      const now = performance.now();
      time[state] += now - last;
      if (heldProbe) probeHeldMs += now - last;
      heldProbe = probe === 1;
      last = now;
      const next = breaker ? (cooldown ? 'open' : 'half-open') : 'closed';
      if (next === 'open' && state !== 'open') opened++;
      if (next === 'closed' && state !== 'closed') closed++;
      if (next !== state && timeline.length < 100) timeline.push([Math.round(now - began), next]);
      state = next;
      await sleep(100);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    // A probe claim left at the end: when it was made and how long it still blocks others.
    const [[, claimedAt], [, pttl]] = await redis.pipeline().get(`${key}:probe`).pttl(`${key}:probe`).exec();
    return {
      opened,
      closed,
      msOpen: Math.round(time.open),
      msHalfOpen: Math.round(time['half-open']),
      msClosed: Math.round(time.closed),
      msProbeClaimed: Math.round(probeHeldMs),
      stateAtEnd: state,
      probeAtEnd: claimedAt ? { claimedMsAgo: Date.now() - Number(claimedAt), expiresInMs: pttl } : null,
      timeline,
    };
  };
}

/**
 * Runs every variant (fresh api + worker per run, one simulator for all) and returns their
 * figures with each faulted run's latency and throughput as a ratio of the no-fault run's.
 */
export async function runFailover({ env, redis, prefix, opts, step }) {
  const simulatorPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const baseEnv = { ...env };
  // Only the two providers under test are candidates, whatever the caller's environment holds.
  for (const name of Object.keys(baseEnv)) if (/_API_KEY$/.test(name) || name === 'VOXQ_CONFIG_FILE') delete baseEnv[name];
  Object.assign(baseEnv, {
    OPENAI_API_KEY: 'sk-sim-bench',
    OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
    ANTHROPIC_API_KEY: 'sk-sim-bench',
    ANTHROPIC_BASE_URL: `${simulatorUrl}/anthropic`,
    SIMULATOR_PORT: String(simulatorPort),
    API_HOST: '127.0.0.1',
    WORKER_QUEUES: 'complete',
    WORKER_CONCURRENCY: String(opts.concurrency),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The bench measures failover, not the per-key and per-tenant limits.
    API_RATE_LIMIT_PER_SECOND: '0',
    TENANT_MONTHLY_JOB_ALLOWANCE: '0',
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
  });
  // NODE_ENV=production makes the simulator listen on 0.0.0.0; keep it on loopback.
  const simulator = start('failover simulator', process.execPath, ['dist/apps/simulator/main.js'], { env: { ...baseEnv, NODE_ENV: 'development' } });
  const tmp = mkdtempSync(join(tmpdir(), 'voxq-bench-failover-'));
  // "50 ± 20 ms": the simulator adds a uniform [0, jitterMs) to latencyMs.
  const latency = { latencyMs: Math.max(0, opts.latencyMs - opts.jitterMs), jitterMs: 2 * opts.jitterMs };
  try {
    await unlessExited(simulator, until('the simulator', () => httpOk(`${simulatorUrl}/_simulator/health`), 15_000));
    for (const provider of PROVIDERS) await admin(simulatorUrl, 'PUT', 'latency', provider, latency);

    const runs = [];
    let primary;
    const wanted = opts.failoverVariants;
    for (const variant of VARIANTS.filter((v) => v.id === 'nofault' || !wanted || wanted.includes(v.id))) {
      if (variant.chaos && !primary) throw new Error('no primary provider: the no-fault run must come first');
      const secondary = PROVIDERS.find((p) => p !== primary);
      const runEnv = { ...baseEnv, ...variant.env };
      if (variant.pin) {
        // Primary at the top of every count, secondary at the bottom: at 30% errors the
        // primary's health factor (0.7² = 0.49) still leaves it first (≈0.49 against ≈0.31).
        const file = join(tmp, 'pinned.json');
        const config = { providers: { [primary]: { catalog: { quality: 1 } }, [secondary]: { catalog: { quality: 0, costPerUnit: 1000 } } } };
        writeFileSync(file, JSON.stringify(config));
        runEnv.VOXQ_CONFIG_FILE = file;
      }
      step(`failover, ${variant.label}: ${opts.failoverJobs} complete jobs at ${opts.failoverRate || 'max'} jobs/s (after ${opts.failoverWarmup} warm-up)`);
      const run = await runOne({ variant, runEnv, redis, prefix: `${prefix}:fo-${variant.id}`, simulator, simulatorUrl, primary, opts });
      primary ??= run.primary;
      if (!PROVIDERS.includes(primary)) throw new Error(`the warm-up was served by '${primary}', not one of ${PROVIDERS.join(', ')}`);
      runs.push({ id: variant.id, label: variant.label, ...(variant.env ? { env: variant.env } : {}), ...run });
    }
    const reference = runs[0];
    for (const run of runs.slice(1)) {
      run.vsNoFault = {
        p50: round(run.latencyMs.p50 / reference.latencyMs.p50, 2),
        p99: round(run.latencyMs.p99 / reference.latencyMs.p99, 2),
        jobsPerSecond: round(run.jobsPerSecond / reference.jobsPerSecond, 2),
      };
    }
    return {
      jobs: opts.failoverJobs,
      warmup: opts.failoverWarmup,
      rate: opts.failoverRate,
      batch: opts.failoverBatch,
      faultRate: opts.faultRate,
      providers: PROVIDERS,
      primary,
      simulatorLatency: latency,
      runs,
    };
  } finally {
    await stop(simulator);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runOne({ variant, runEnv, redis, prefix, simulator, simulatorUrl, primary, opts }) {
  const tenant = `bench-failover-${variant.id}`;
  const apiPort = await freePort();
  const appEnv = { ...runEnv, REDIS_PREFIX: prefix, API_PORT: String(apiPort) };
  const keys = spawnSync(process.execPath, ['dist/apps/cli/main.js', 'keys', 'create', '--tenant', tenant, '--json'], { env: appEnv, encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`keys create failed: ${keys.stderr || keys.stdout}`);
  const { apiKey } = JSON.parse(keys.stdout);

  const api = start(`failover ${variant.id} api`, process.execPath, ['dist/apps/api/main.js'], { env: appEnv });
  const worker = start(`failover ${variant.id} worker`, process.execPath, ['dist/apps/worker/main.js'], { env: appEnv });
  const guard = (promise) => unlessExited(worker, unlessExited(api, unlessExited(simulator, promise)));
  const client = await openClient(`http://127.0.0.1:${apiPort}`, opts.bulkClients);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const job = JSON.stringify({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } });
  const cache = new Map();
  const bodies = (n) => cache.get(n) ?? cache.set(n, `{"jobs":[${Array(n).fill(job).join(',')}]}`).get(n);
  const index = (status) => `${prefix}:tenant:${tenant}:jobs:status:${status}`;
  const finished = async () => {
    const [[, c], [, f], [, x]] = await redis.pipeline().zcard(index('completed')).zcard(index('failed')).zcard(index('cancelled')).exec();
    return c + f + x;
  };
  let stopWatching;
  try {
    await guard(until('the api', () => httpOk(`http://127.0.0.1:${apiPort}/healthz`), 15_000));

    // Warm-up: proves the worker is up, gives the router live latency for the primary, and
    // (in the no-fault run) tells which provider ranks first.
    const warm = [];
    for (let left = opts.failoverWarmup; left > 0; left -= opts.failoverBatch) warm.push(...(await guard(submitBatch(client, headers, bodies, Math.min(left, opts.failoverBatch)))));
    await guard(until('the warm-up jobs to finish', async () => (await finished()) >= warm.length, 30_000, 50));
    const warmRecords = await readRecords(redis, prefix, warm.slice(0, 50));
    const warmServed = {};
    for (const r of warmRecords) inc(warmServed, r.result?.provider ?? r.status);
    const ranksFirst = Object.entries(warmServed).sort((a, b) => b[1] - a[1])[0]?.[0];
    primary ??= ranksFirst;

    if (variant.chaos) await admin(simulatorUrl, 'PUT', 'chaos', primary, { rate: opts.faultRate, fault: { status: 503 } });
    stopWatching = watchBreaker(redis, prefix, primary);
    const submitted = await guard(submitPaced(client, { headers, bodies, jobs: opts.failoverJobs, batch: opts.failoverBatch, rate: opts.failoverRate }));
    const target = warm.length + submitted.ids.length;
    let timedOut = false;
    await guard(until('every job to finish', async () => (await finished()) >= target, opts.timeoutMs, 50)).catch((error) => {
      if (!/timed out/.test(error.message)) throw error;
      timedOut = true;
    });
    const breaker = await stopWatching();
    stopWatching = undefined;
    const records = await readRecords(redis, prefix, submitted.ids);
    // How the router ranked the candidates for the last job to finish (its scores run).
    const last = records.reduce((a, r) => (r.result?.scoresRunId && (!a || r.finishedAt > a.finishedAt) ? r : a), null);
    const run = last && JSON.parse((await redis.get(`${prefix}:scores-run:${last.result.scoresRunId}`)) ?? 'null');
    const lastRanking = run && {
      candidates: run.candidates.map((c) => ({ provider: c.provider, rank: c.rank, score: c.score, reason: c.reason })),
      excluded: run.excluded,
    };
    return {
      lastRanking,
      primary,
      warmupServedBy: warmServed,
      submit: { accepted: submitted.ids.length, failures: submitted.failures, ms: round(submitted.ms), offeredJobsPerSecond: round((submitted.ids.length / submitted.ms) * 1000) },
      timedOut,
      breaker,
      ...summarise(records, primary),
    };
  } finally {
    await stopWatching?.();
    if (variant.chaos && primary) await admin(simulatorUrl, 'PUT', 'chaos', primary, null).catch(() => undefined);
    await client.close();
    await Promise.all([stop(api), stop(worker)]);
  }
}

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
    const served = Object.entries(r.servedBy).sort((a, b) => b[1] - a[1]).map(([p, c]) => `${p} ${c}`).join(', ');
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
      notes.push(`half-open ${n(b.msHalfOpen / 1000, 1)} s in all, the probe claim made ${n(b.probeAtEnd.claimedMsAgo / 1000, 1)} s before the end still held (expires in ${n(b.probeAtEnd.expiresInMs / 1000, 1)} s)`);
    }
    if (r.lastRanking) notes.push(`last job ranked ${r.lastRanking.candidates.map((c) => `${c.provider} ${c.score}`).join(' > ')}${r.lastRanking.excluded.length ? ` (${r.lastRanking.excluded.map((e) => `${e.provider}: ${e.reason}`).join('; ')})` : ''}`);
    if (r.jobsFailedOver) notes.push(`p50/p99 ${n(r.latencyMsDirect.p50)}/${n(r.latencyMsDirect.p99)} ms without a failover, ${n(r.latencyMsFailedOver.p50)}/${n(r.latencyMsFailedOver.p99)} ms with one`);
    if (notes.length) console.log(`  · ${r.id}: ${notes.join('; ')}`);
  }
}
