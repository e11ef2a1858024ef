// The benchmark's first phases: raw BullMQ's throughput (the reference) and voxq's end to
// end, one job per request and in bulk, each with the Redis commands and the CPU per job
// that every process spent between two snapshots taken around the measured jobs.
import { createServer } from 'node:http';
import { redisKeys } from '../lib/redis-keys.mjs';
import { openClient, submitAll } from './http-load.mjs';
import { cpuSeconds, start, unlessExited } from './processes.mjs';
import { commandsPerJob, redisCounters } from './redis.mjs';
import { startBenchStack } from './stack.mjs';
import { pollUntilCount, until } from './wait.mjs';
import { completedCounter } from './completed.mjs';

const round = (n, digits = 0) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);

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

export async function runBaseline({ env, redis, prefix, opts }) {
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
export async function runVoxq({ env, redis, prefix, opts, profileDir, mode }) {
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
  const completed = completedCounter(redis, tenant, [redisKeys(prefix)]);

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
    // Until the completed index holds every accepted job (or time is up).
    const { done, finished } = await pollUntilCount(
      async () => (await completed()) - warmedUp,
      () => submit?.accepted,
      opts.timeoutMs,
      guard,
    );
    await submitting;
    const ms = (finished ?? performance.now()) - firstSubmit;
    const after = { redis: await redisCounters(redis), cpu: { ...cpuOf(apps), 'bench client': ownCpuSeconds() } };
    const webhookEvents = opts.webhook ? await redis.llen(`${redisKeys(prefix).bull.prefix()}:webhooks:wait`) : 0;
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
