// The peers phase's first comparison (issue 16): voxq against the hand-rolled pipeline a team
// would write instead (express intake → BullMQ → a worker calling the upstream with undici;
// hand-rolled-intake.mjs and hand-rolled-worker.mjs), both on the run's Redis and the same
// upstream, driven the same way: BENCH_PEERS_JOBS jobs (10,000) from BENCH_PEERS_CLIENTS
// keep-alive HTTP clients (64), one worker process at BENCH_PEERS_CONCURRENCY (64), after
// BENCH_PEERS_WARMUP jobs (1,000, not measured). jobs/s counts from the first submit to the
// poll (every 50 ms, for both) that sees the last job completed.
import { freePort } from '../lib/net.mjs';
import { redisKeys } from '../lib/redis-keys.mjs';
import { openClient, submitAll } from './http-load.mjs';
import { cpuSeconds, start, stop, unlessExited } from './processes.mjs';
import { commandsPerJob, redisCounters } from './redis.mjs';
import { httpOk, pollUntilCount, until } from './wait.mjs';
import { completedCounter } from './completed.mjs';

const round = (n, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const cpuOf = (children) => Object.fromEntries(children.map((c) => [c.name, cpuSeconds(c.pid)]));

/**
 * Submits `count` requests and polls `completedCount()` until it has grown by as many jobs.
 * `guard` fails the run at once if one of the contender's processes dies.
 */
async function measure({ client, request, count, clients, completedCount, guard, timeoutMs, redis, processes }) {
  const base = await completedCount();
  const before = { redis: await redisCounters(redis), cpu: cpuOf(processes) };
  let firstSubmit;
  let submit;
  const submitting = submitAll(client, { ...request, count, concurrency: clients, onFirst: () => (firstSubmit = performance.now()) }).then((s) => (submit = s));
  const { done, finished } = await pollUntilCount(
    async () => (await completedCount()) - base,
    () => submit?.accepted,
    timeoutMs,
    guard,
  );
  await submitting;
  const ms = (finished ?? performance.now()) - firstSubmit;
  const after = { redis: await redisCounters(redis), cpu: cpuOf(processes) };
  const costs = commandsPerJob(before.redis, after.redis, count);
  const completed = Math.min(done, submit.accepted);
  return {
    jobsPerSecond: (completed / ms) * 1000,
    ms,
    completed,
    timedOut: finished === undefined,
    submit: { accepted: submit.accepted, failures: submit.failures, rate: submit.rate, p50Ms: submit.p50Ms, p99Ms: submit.p99Ms },
    redisCommandsPerJob: costs.totalExcludingScripts,
    redisCpuMsPerJob: costs.cpuMsPerJob,
    cpuMsPerJob: Object.fromEntries(
      Object.entries(after.cpu)
        .filter(([name, s]) => s !== null && before.cpu[name] !== null)
        .map(([name, s]) => [name, round(((s - before.cpu[name]) * 1000) / count, 3)]),
    ),
  };
}

/** Warm-up jobs, waited for, then the measured ones. */
async function warmThenMeasure(args, opts) {
  if (opts.peersWarmup > 0) {
    const base = await args.completedCount();
    const warm = await args.guard(submitAll(args.client, { ...args.request, count: opts.peersWarmup, concurrency: args.clients }));
    if (warm.accepted !== opts.peersWarmup) throw new Error(`warm-up submissions failed: ${JSON.stringify(warm.failures)}`);
    await args.guard(until('the warm-up jobs to complete', async () => (await args.completedCount()) - base >= warm.accepted, 60_000, 50));
  }
  return measure({ ...args, count: opts.peersJobs, clients: opts.peersClients, timeoutMs: opts.timeoutMs });
}

async function runHandRolled({ env, redis, prefix, opts, upstream }) {
  const port = await freePort();
  const childEnv = { ...env, BENCH_PREFIX: `${prefix}:peers-hand-rolled`, PORT: String(port) };
  const intake = start('hand-rolled intake', process.execPath, ['tools/bench/hand-rolled-intake.mjs'], { env: childEnv });
  const worker = start('hand-rolled worker', process.execPath, ['tools/bench/hand-rolled-worker.mjs'], {
    ipc: true,
    env: { ...childEnv, BENCH_CONCURRENCY: String(opts.peersConcurrency), UPSTREAM_URL: upstream.url, UPSTREAM_API_KEY: upstream.apiKey },
  });
  const processes = [intake, worker];
  const guard = (promise) => processes.reduce((p, child) => unlessExited(child, p), promise);
  const message = (kind) =>
    guard(
      new Promise((resolve) => {
        const on = (m) => m?.kind === kind && (worker.off('message', on), resolve(m));
        worker.on('message', on);
      }),
    );
  const url = `http://127.0.0.1:${port}`;
  const client = await openClient(url, opts.peersClients);
  try {
    await message('ready');
    await guard(until('the hand-rolled intake', () => httpOk(`${url}/healthz`), 15_000));
    const completedCount = async () => {
      const reply = message('count');
      worker.send({ kind: 'count' });
      return (await reply).completed;
    };
    const request = {
      path: '/jobs',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    };
    return await warmThenMeasure({ client, request, clients: opts.peersClients, completedCount, guard, redis, processes }, opts);
  } finally {
    await client.close();
    await Promise.all(processes.map((child) => stop(child)));
  }
}

/** voxq the same way: POST /v1/jobs `complete` jobs to the peers phase's stack. */
async function runVoxqJobs({ redis, prefix, opts, stack, apiKey, tenant }) {
  const client = await openClient(stack.url, opts.peersClients);
  const completedCount = completedCounter(redis, tenant, [redisKeys(prefix)]);
  const request = {
    path: '/v1/jobs',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } }),
  };
  try {
    return await warmThenMeasure(
      {
        client,
        request,
        clients: opts.peersClients,
        completedCount,
        guard: stack.guard,
        redis,
        processes: [stack.api, ...stack.workers],
      },
      opts,
    );
  } finally {
    await client.close();
  }
}

/** Both contenders, the hand-rolled pipeline first; `ratio` is voxq's jobs/s over its. */
export async function runJobPeers({ env, redis, prefix, opts, stack, apiKey, tenant, upstream, step }) {
  step(
    `peers, jobs: the hand-rolled pipeline (express → BullMQ → undici), then voxq: ${opts.peersJobs} jobs from ${opts.peersClients} clients, one worker at concurrency ${opts.peersConcurrency} (after ${opts.peersWarmup} warm-up)`,
  );
  const handRolled = await runHandRolled({ env, redis, prefix, opts, upstream });
  const voxq = await runVoxqJobs({ redis, prefix, opts, stack, apiKey, tenant });
  return {
    jobs: opts.peersJobs,
    clients: opts.peersClients,
    concurrency: opts.peersConcurrency,
    warmup: opts.peersWarmup,
    handRolled,
    voxq,
    ratio: voxq.jobsPerSecond / handRolled.jobsPerSecond,
  };
}
