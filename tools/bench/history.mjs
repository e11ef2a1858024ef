// The history tier (issue 19): finished jobs move from Redis to Postgres.
//
//   history  BENCH_HISTORY_JOBS (5000) complete jobs through a stack with POSTGRES_URL set and
//            JOB_HOT_SECONDS BENCH_HISTORY_HOT_S (20): Redis bytes per finished job once every
//            record has moved and its hot window is over (goal: none beyond counters), Postgres
//            bytes per job, GET /v1/jobs/:id p50/p99 while Redis holds the jobs and once only
//            Postgres does; then the mover on its own: BENCH_HISTORY_MOVE (20000) finished records
//            written straight into Redis, moved by one HistoryMover, records/s (goal ≥ 10× the
//            end-to-end job rate of the same run); and a soak: BENCH_HISTORY_SOAK_RATE (200) jobs/s
//            for BENCH_HISTORY_SOAK_S (600; 0 skips it), Redis's used_memory sampled every 10 s
//            past the first hot window, and its slope (goal: flat).
// Postgres: BENCH_POSTGRES_URL or POSTGRES_URL, else the machine's at 127.0.0.1:5432/test,
// else an embedded PGlite; each run works in a schema of its own, dropped at the end.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { importLibs } from '../lib/import-libs.mjs';
import { percentile } from './http-load.mjs';
import { commandsPerJob, redisCounters } from './redis.mjs';
import { startBenchStack } from './stack.mjs';
import { until } from './wait.mjs';

const BODY = { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } };
const round = (n, digits = 0) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** A schema of its own on the Postgres to use (started embedded when none answers). */
async function benchPostgres(env) {
  let base = env.BENCH_POSTGRES_URL || env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
  let embedded = null;
  const reachable = async (url) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  if (!(await reachable(base))) {
    const { startEmbeddedPostgres } = await importLibs('bench-pglite', "export { startEmbeddedPostgres } from '@voxq/history';");
    embedded = await startEmbeddedPostgres({ port: 0 });
    base = embedded.url;
  }
  const schema = `bench_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: embedded ? 1 : 4 });
  return {
    url: url.toString(),
    source: embedded ? 'embedded PGlite' : base.replace(/\/\/[^@]*@/, '//'),
    poolMax: embedded ? '1' : '4',
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
      await embedded?.stop();
    },
  };
}

const usedMemory = async (redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

/** Sequential GETs of random ids: latency percentiles in ms. */
async function readLatency(url, apiKey, ids, samples) {
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const id = ids[Math.floor(Math.random() * ids.length)];
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /v1/jobs/${id}: HTTP ${res.status}`);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: round(percentile(ms, 50), 2), p99Ms: round(percentile(ms, 99), 2) };
}

async function submitJobs(url, apiKey, count) {
  const ids = [];
  const perRequest = 100;
  let left = Math.ceil(count / perRequest);
  const lane = async () => {
    while (left-- > 0) {
      const res = await fetch(`${url}/v1/jobs:batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jobs: Array.from({ length: perRequest }, () => BODY) }),
      });
      if (res.status !== 202) throw new Error(`POST /v1/jobs:batch: HTTP ${res.status} ${await res.text()}`);
      ids.push(...(await res.json()).data.map((j) => j.id));
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  return ids;
}

const rowsIn = async (pool, table) => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const bytesOf = async (pool, table) =>
  Number(
    (await pool.query(`SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) AS b FROM pg_inherits i WHERE i.inhparent = $1::regclass`, [table])).rows[0]
      .b,
  );

export async function runHistory({ env, redis, prefix, opts, step }) {
  const postgres = await benchPostgres(env);
  step(`history: ${opts.historyJobs} jobs with the history tier on (${postgres.source}), hot window ${opts.historyHotSeconds} s`);
  const stack = await startBenchStack({
    env,
    // A prefix of its own: the earlier phases' records (kept JOB_RETENTION_SECONDS) are not this phase's.
    extraEnv: {
      REDIS_PREFIX: `${prefix}:history`,
      POSTGRES_URL: postgres.url,
      POSTGRES_POOL_MAX: postgres.poolMax,
      JOB_HOT_SECONDS: String(opts.historyHotSeconds),
      WORKER_CONCURRENCY: '128',
    },
  });
  try {
    const tenant = 'bench-history';
    const apiKey = stack.keyFor(tenant);
    await submitJobs(stack.url, apiKey, 100); // warm-up: connections, partitions, JIT
    await until('the warm-up jobs in history', async () => (await rowsIn(postgres.pool, 'jobs')) >= 100, 60_000, 100);
    const before = await usedMemory(redis);
    const counters = await redisCounters(redis);
    const started = performance.now();
    const ids = await submitJobs(stack.url, apiKey, opts.historyJobs);
    await until('every job in history', async () => (await rowsIn(postgres.pool, 'jobs')) >= ids.length + 100, opts.timeoutMs * 5, 100);
    const inHistoryMs = performance.now() - started;
    // Submission (bulk), the job, the move to Postgres and the release: what a job costs Redis with the history tier on.
    const commands = commandsPerJob(counters, await redisCounters(redis), ids.length);
    const fromRedis = await readLatency(stack.url, apiKey, ids.slice(-1000), 500);
    const redisHeld = await redis.exists(`${prefix}:history:job:${ids.at(-1)}`);
    const hotBytes = (await usedMemory(redis)) - before;
    // Every job record gone: a SCAN also deletes keys whose expiry has passed, which Redis's
    // background expiry may not have reached yet (it samples), so memory is read once they are.
    const jobKeysLeft = async () => {
      let cursor = '0';
      let n = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:history:job:*`, 'COUNT', 1000);
        cursor = next;
        n += keys.length;
      } while (cursor !== '0');
      return n;
    };
    await until('the hot window to end', async () => (await jobKeysLeft()) === 0, (opts.historyHotSeconds + 60) * 1000, 500);
    const after = await usedMemory(redis);
    const fromPostgres = await readLatency(stack.url, apiKey, ids, 500);
    const postgresBytes = await bytesOf(postgres.pool, 'jobs');
    const jobsInPostgres = await rowsIn(postgres.pool, 'jobs');
    const soak = opts.historySoakSeconds > 0 ? await soakMemory(stack.url, apiKey, redis, opts, step) : null;
    const mover = await moverRate(env, redis, postgres, opts, prefix);
    return {
      postgres: postgres.source,
      jobs: ids.length,
      jobsPerSecondIntoHistory: round((ids.length / inHistoryMs) * 1000),
      redisCommandsPerJob: round(commands.totalExcludingScripts, 1),
      redisBytesPerJobHot: round(hotBytes / ids.length),
      redisBytesPerJobAfterHotWindow: round((after - before) / ids.length, 1),
      postgresBytesPerJob: round(postgresBytes / jobsInPostgres),
      getJob: { fromRedis: { ...fromRedis, heldInRedis: redisHeld === 1 }, fromPostgres },
      mover,
      ...(soak ? { soak } : {}),
    };
  } finally {
    await stack.close();
    await postgres.drop();
  }
}

/**
 * Redis's memory over a long run at a constant job rate: sampled every 10 s once the first
 * hot window has passed (before that it fills up to its steady state), with the least-squares
 * slope. Flat is the goal: finished work leaves Redis at the rate it arrives.
 */
async function soakMemory(url, apiKey, redis, opts, step) {
  const { historySoakSeconds: seconds, historySoakRate: rate, historyHotSeconds: hot } = opts;
  step(`history soak: ${rate} jobs/s for ${seconds} s, Redis used_memory every 10 s`);
  const perRequest = 10;
  const started = performance.now();
  const samples = [];
  let submitted = 0;
  let failed = 0;
  const sampler = setInterval(async () => {
    const t = (performance.now() - started) / 1000;
    if (t > hot + 30) samples.push([t, await usedMemory(redis)]);
  }, 10_000);
  try {
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      const sends = [];
      while (submitted < due) {
        submitted += perRequest;
        sends.push(
          fetch(`${url}/v1/jobs:batch`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ jobs: Array.from({ length: perRequest }, () => BODY) }),
          }).then(
            async (res) => (await res.arrayBuffer(), res.status === 202 || failed++),
            () => failed++,
          ),
        );
      }
      await Promise.all([...sends, new Promise((r) => setTimeout(r, 50))]);
    }
  } finally {
    clearInterval(sampler);
  }
  const n = samples.length;
  if (n < 2) return { seconds, rate, submitted, failed, samples: n, note: 'too short to sample past the first hot window' };
  const meanT = samples.reduce((s, [t]) => s + t, 0) / n;
  const meanM = samples.reduce((s, [, m]) => s + m, 0) / n;
  const slope = samples.reduce((s, [t, m]) => s + (t - meanT) * (m - meanM), 0) / samples.reduce((s, [t]) => s + (t - meanT) ** 2, 0);
  const values = samples.map(([, m]) => m);
  return {
    seconds,
    rate,
    submitted,
    failed,
    samples: n,
    firstBytes: values[0],
    lastBytes: values.at(-1),
    minBytes: Math.min(...values),
    maxBytes: Math.max(...values),
    slopeBytesPerMinute: round(slope * 60),
  };
}

/** One mover on its own: records written straight into Redis as finished jobs, then moved. */
async function moverRate(env, redis, postgres, opts, prefix) {
  const libs = await importLibs(
    'bench-history',
    `export { JobStore, HistoryHandoff, newJobId } from '@voxq/job-store';
     export { HistoryStore } from '@voxq/history';
     export { HistoryMover } from '@voxq/jobs';
     export { KeyShards } from '@voxq/redis-keys';
     export { createLogger } from '@voxq/logging';`,
  );
  const settings = { prefix: `${prefix}:mover`, shards: 1 };
  const shards = libs.KeyShards.for(settings);
  const history = new libs.HistoryStore(postgres.pool, { retentionDays: 30, partitionsAheadDays: 3 });
  const store = new libs.JobStore(redis, shards, 60, history);
  const count = opts.historyMove;
  for (let i = 0; i < count; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, count - i) }, async () => {
        const fields = {
          id: libs.newJobId(),
          tenantId: 'bench-mover',
          type: 'complete',
          createdAt: new Date().toISOString(),
          intent: { language: 'en', optimizeFor: 'balanced' },
          constraints: {},
          metadata: {},
          webhook: null,
        };
        await store.create(fields);
        await store.start(fields);
        await store.complete(
          fields,
          { text: 'Simulated reply to: hi', provider: 'openai', model: 'gpt-4o-mini', usage: { promptTokens: 1, completionTokens: 4 } },
          { returnRecord: false },
        );
      }),
    );
  }
  const logger = libs.createLogger({ name: 'bench', level: 'silent' });
  const mover = new libs.HistoryMover(new libs.HistoryHandoff(redis, shards, 1), history, {
    shards: shards.all(),
    batchSize: Number(env.HISTORY_MOVE_BATCH || 500),
    parallelWrites: Number(env.HISTORY_MOVE_PARALLEL || 4),
    idleMs: 100,
    logger,
  });
  const started = performance.now();
  let moved = 0;
  while (moved < count) {
    const n = await mover.moveOnce();
    if (n === 0) break;
    moved += n;
  }
  const ms = performance.now() - started;
  return {
    records: moved,
    recordsPerSecond: round((moved / ms) * 1000),
    batchSize: Number(env.HISTORY_MOVE_BATCH || 500),
    parallelWrites: Number(env.HISTORY_MOVE_PARALLEL || 4),
  };
}

export function printHistory(h, e2eJobsPerSecond) {
  const ratio = e2eJobsPerSecond ? h.mover.recordsPerSecond / e2eJobsPerSecond : null;
  console.log(`
history tier (issue 19): ${h.jobs} jobs, Postgres: ${h.postgres}
  Redis commands per job             ${h.redisCommandsPerJob} (bulk submission, run, move to Postgres and release)
  Redis bytes per finished job       ${h.redisBytesPerJobHot} while hot, ${h.redisBytesPerJobAfterHotWindow} after the hot window (goal: none beyond counters)
  Postgres bytes per job             ${h.postgresBytesPerJob} (table and indexes)
  GET /v1/jobs/:id p50 / p99         ${h.getJob.fromRedis.p50Ms} / ${h.getJob.fromRedis.p99Ms} ms from Redis; ${h.getJob.fromPostgres.p50Ms} / ${h.getJob.fromPostgres.p99Ms} ms from Postgres
  mover                              ${h.mover.recordsPerSecond} records/s (batches of ${h.mover.batchSize}, ${h.mover.parallelWrites} at once)${ratio === null ? '' : `, ${ratio.toFixed(1)}× the end-to-end job rate (goal ≥ 10)`}`);
  if (h.soak?.slopeBytesPerMinute !== undefined) {
    const mib = (b) => (b / 1048576).toFixed(1);
    const keptPerMinute = h.redisBytesPerJobHot * h.soak.rate * 60;
    console.log(
      `  soak, ${h.soak.rate} jobs/s for ${h.soak.seconds} s   Redis used_memory ${mib(h.soak.firstBytes)} → ${mib(h.soak.lastBytes)} MiB (min ${mib(h.soak.minBytes)}, max ${mib(h.soak.maxBytes)}), slope ${mib(h.soak.slopeBytesPerMinute)} MiB/min against ${mib(keptPerMinute)} MiB/min if every job stayed (goal: flat)`,
    );
  }
}
