// The bench's cluster phase: voxq on a local Redis Cluster (three masters with a replica each,
// tools/lib/local-cluster.mjs) with its default layout (REDIS_PREFIX={voxq}, REDIS_SHARDS=8),
// BENCH_CLUSTER_JOBS (5000) `complete` jobs through POST /v1/jobs from BENCH_CLIENTS, one
// api and one worker. It reports jobs/s (against the single-Redis run of the same mode in this
// bench), commands per job, and each master's share of the commands the run cost: with the
// shards spread over the slots, each master should serve 20-45% of them (issue 16).
import { Cluster } from 'ioredis';
import { importLibs } from '../lib/import-libs.mjs';
import { startLocalCluster } from '../lib/local-cluster.mjs';
import { openClient, submitAll } from './http-load.mjs';
import { commandsPerJob, redisCounters } from './redis.mjs';
import { startBenchStack } from './stack.mjs';
import { pollUntilCount, until } from './wait.mjs';
import { completedCounter } from './completed.mjs';

const { KeyShards } = await importLibs('key-shards', "export { KeyShards } from '@voxq/redis-keys';");

/** Each master's counters, keyed by its address. */
async function mastersCounters(cluster) {
  const masters = cluster.nodes('master');
  const counters = await Promise.all(masters.map((node) => redisCounters(node)));
  return Object.fromEntries(masters.map((node, i) => [`${node.options.host}:${node.options.port}`, counters[i]]));
}

/** Commands (scripts' own calls counted, `evalsha` itself not) between two counter snapshots. */
const commandsBetween = (before, after) => commandsPerJob(before, after, 1).totalExcludingScripts;

export async function runCluster({ env, opts, step }) {
  const jobs = opts.clusterJobs;
  step(`cluster: ${jobs} complete jobs on a local Redis Cluster (3 masters + 3 replicas), REDIS_SHARDS=8`);
  const local = await startLocalCluster();
  const cluster = new Cluster(
    local.nodes.split(',').map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })),
    {
      redisOptions: { maxRetriesPerRequest: null },
    },
  );
  let stack;
  try {
    await new Promise((resolve) => cluster.once('ready', resolve));
    const settings = { prefix: '{voxq}', shards: 8 };
    stack = await startBenchStack({
      env: { ...env, REDIS_CLUSTER_NODES: local.nodes, REDIS_PREFIX: settings.prefix, REDIS_SHARDS: String(settings.shards) },
      extraEnv: { WORKER_CONCURRENCY: String(opts.concurrency) },
    });
    const tenant = 'bench-cluster';
    const apiKey = stack.keyFor(tenant);
    const shards = new KeyShards(settings.prefix, settings.shards);
    const completed = completedCounter(
      cluster,
      tenant,
      shards.all().map((k) => shards.keysOf(k)),
    );
    const client = await openClient(stack.url, opts.clients);
    const request = {
      path: '/v1/jobs',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } }),
      concurrency: opts.clients,
    };
    try {
      const warmup = Math.min(opts.warmup, 1000);
      if (warmup > 0) {
        const warm = await stack.guard(submitAll(client, { ...request, count: warmup }));
        if (warm.accepted !== warmup) {
          const tail = String(stack.api.tail).slice(-3000);
          throw new Error(`cluster warm-up submissions failed: ${JSON.stringify(warm.failures)}\napi: ${tail}`);
        }
        await stack.guard(until('the warm-up jobs to complete', async () => (await completed()) >= warmup, 60_000, 50));
      }
      const warmedUp = await completed();
      const before = await mastersCounters(cluster);
      let firstSubmit;
      let submit;
      const submitting = submitAll(client, { ...request, count: jobs, onFirst: () => (firstSubmit = performance.now()) }).then((s) => (submit = s));
      const { done, finished } = await pollUntilCount(
        async () => (await completed()) - warmedUp,
        () => submit?.accepted,
        opts.timeoutMs,
        stack.guard,
      );
      await submitting;
      const ms = (finished ?? performance.now()) - firstSubmit;
      const after = await mastersCounters(cluster);
      const perMaster = Object.fromEntries(
        Object.keys(after).map((node) => [node, commandsBetween(before[node] ?? { calls: {}, usec: {}, cpuSeconds: 0 }, after[node])]),
      );
      const total = Object.values(perMaster).reduce((a, b) => a + b, 0);
      const shares = Object.fromEntries(Object.entries(perMaster).map(([node, n]) => [node, total > 0 ? n / total : 0]));
      return {
        masters: Object.keys(after).length,
        shards: settings.shards,
        jobs: Math.min(done, submit.accepted),
        timedOut: finished === undefined,
        jobsPerSecond: (Math.min(done, submit.accepted) / ms) * 1000,
        redisCommandsPerJob: total / jobs,
        masterShares: shares,
        sharesWithinGoal: Object.values(shares).every((s) => s >= 0.2 && s <= 0.45),
      };
    } finally {
      await client.close();
    }
  } finally {
    await stack?.close();
    cluster.disconnect();
    local.stop();
  }
}

export function printCluster(cluster, singleJobsPerSecond) {
  if (!cluster) return;
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const ratio = singleJobsPerSecond ? cluster.jobsPerSecond / singleJobsPerSecond : null;
  console.log(
    `\ncluster (${cluster.masters} masters, ${cluster.shards} shards): ${cluster.jobsPerSecond.toFixed(0)} jobs/s` +
      `${ratio === null ? '' : ` (${ratio.toFixed(2)}× one Redis, same machine)`}, ${cluster.redisCommandsPerJob.toFixed(1)} commands/job${cluster.timedOut ? ' (timed out)' : ''}`,
  );
  console.log(
    `  each master's share of the commands: ${Object.entries(cluster.masterShares)
      .map(([node, share]) => `${node} ${pct(share)}`)
      .join(', ')} — goal 20-45% each: ${cluster.sharesWithinGoal ? 'met' : 'not met'}`,
  );
}
