// One run of the failover phase: fresh api and worker processes for one variant, a warm-up
// that finds the primary, the faults switched on, the jobs offered at a steady rate, and
// what their records and the primary's breaker say once every job is finished.
import { spawnSync } from 'node:child_process';
import { freePort } from '../lib/net.mjs';
import { redisKeys } from '../lib/redis-keys.mjs';
import { watchBreaker } from './failover-breaker.mjs';
import { inc, readRecords, round, summarise } from './failover-figures.mjs';
import { openClient } from './http-load.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { httpOk, sleep, until } from './wait.mjs';
import { nodeArgsOf } from '../lib/app-node-args.mjs';
import { completedCounter } from './completed.mjs';

/** A call to the simulator's admin routes (`/_simulator/<path>?provider=`), its JSON answer. */
export async function simulatorAdmin(simulatorUrl, method, path, provider, body) {
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

/**
 * Runs `variant` once under its own `prefix` and tenant (fresh api and worker; the one
 * simulator is shared). `primary` is unset for the no-fault run, which finds it.
 */
export async function runVariant({ variant, runEnv, redis, prefix, simulator, simulatorUrl, primary, opts }) {
  const tenant = `bench-failover-${variant.id}`;
  const apiPort = await freePort();
  const appEnv = { ...runEnv, REDIS_PREFIX: prefix, API_PORT: String(apiPort) };
  const keys = spawnSync(process.execPath, ['dist/apps/cli/main.js', 'keys', 'create', '--tenant', tenant, '--json'], { env: appEnv, encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`keys create failed: ${keys.stderr || keys.stdout}`);
  const { apiKey } = JSON.parse(keys.stdout);

  const api = start(`failover ${variant.id} api`, process.execPath, [...nodeArgsOf('api'), 'dist/apps/api/main.js'], { env: appEnv });
  const worker = start(`failover ${variant.id} worker`, process.execPath, ['dist/apps/worker/main.js'], { env: appEnv });
  const guard = (promise) => unlessExited(worker, unlessExited(api, unlessExited(simulator, promise)));
  const client = await openClient(`http://127.0.0.1:${apiPort}`, opts.bulkClients);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const job = JSON.stringify({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } });
  const cache = new Map();
  const bodies = (n) => cache.get(n) ?? cache.set(n, `{"jobs":[${Array(n).fill(job).join(',')}]}`).get(n);
  // Completed ones from the usage counters; failed ones from BullMQ's failed set, which keeps
  // them (nothing here is cancelled).
  const completed = completedCounter(redis, tenant, [redisKeys(prefix)]);
  const failedSet = `${redisKeys(prefix).bull.prefix()}:complete:failed`;
  const finished = async () => (await completed()) + (await redis.zcard(failedSet));
  let stopWatching;
  try {
    await guard(until('the api', () => httpOk(`http://127.0.0.1:${apiPort}/healthz`), 15_000));

    // Warm-up: proves the worker is up, gives the router live latency for the primary, and
    // (in the no-fault run) tells which provider ranks first.
    const warm = [];
    for (let left = opts.failoverWarmup; left > 0; left -= opts.failoverBatch)
      warm.push(...(await guard(submitBatch(client, headers, bodies, Math.min(left, opts.failoverBatch)))));
    await guard(until('the warm-up jobs to finish', async () => (await finished()) >= warm.length, 30_000, 50));
    const warmRecords = await readRecords(redis, prefix, warm.slice(0, 50));
    const warmServed = {};
    for (const r of warmRecords) inc(warmServed, r.result?.provider ?? r.status);
    const ranksFirst = Object.entries(warmServed).sort((a, b) => b[1] - a[1])[0]?.[0];
    primary ??= ranksFirst;

    if (variant.chaos) await simulatorAdmin(simulatorUrl, 'PUT', 'chaos', primary, { rate: opts.faultRate, fault: { status: 503 } });
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
    const run = last && JSON.parse((await redis.get(redisKeys(prefix).providers.scoresRun(last.result.scoresRunId))) ?? 'null');
    const lastRanking = run && {
      candidates: run.candidates.map((c) => ({ provider: c.provider, rank: c.rank, score: c.score, reason: c.reason })),
      excluded: run.excluded,
    };
    return {
      lastRanking,
      primary,
      warmupServedBy: warmServed,
      submit: {
        accepted: submitted.ids.length,
        failures: submitted.failures,
        ms: round(submitted.ms),
        offeredJobsPerSecond: round((submitted.ids.length / submitted.ms) * 1000),
      },
      timedOut,
      breaker,
      ...summarise(records, primary),
    };
  } finally {
    await stopWatching?.();
    if (variant.chaos && primary) await simulatorAdmin(simulatorUrl, 'PUT', 'chaos', primary, null).catch(() => undefined);
    await client.close();
    await Promise.all([stop(api), stop(worker)]);
  }
}
