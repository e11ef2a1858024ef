// How fast the history tier writes and reads (issue 19): `node tools/bench-history.mjs`.
// Writes N finished `complete` jobs in batches of 500 (HistoryStore.writeJobs, what the mover
// calls), then times getJob and listJobs, against the Postgres at POSTGRES_URL (default the
// local test database, in a schema of its own, dropped after) and against the embedded
// PGlite server. A measurement, not a test: nothing here asserts a figure.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importLibs } from './lib/import-libs.mjs';

const { HistoryStore, migrate, startEmbeddedPostgres, createPostgresPool } = await importLibs(
  'bench-history',
  `export { HistoryStore, migrate, startEmbeddedPostgres, createPostgresPool } from '@voxq/history';`,
);

const JOBS = Number(process.env.BENCH_HISTORY_JOBS ?? 20_000);
const BATCH = 500;
const READS = 2_000;

/** A completed `complete` job about the size of a real one (~2 KB of view). */
function job(tenantId, ms) {
  const id = `job_${ms.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
  const at = new Date(ms).toISOString();
  return {
    id,
    tenantId,
    object: 'job',
    type: 'complete',
    status: 'completed',
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: { customer: 'bench', ref: id },
    webhook: { url: 'https://receiver.example/hook' },
    attempts: 1,
    createdAt: at,
    startedAt: at,
    finishedAt: new Date(ms + 800).toISOString(),
    result: {
      provider: 'openai',
      model: 'gpt-4o-mini',
      providerAttempts: [{ provider: 'openai', model: 'gpt-4o-mini', ok: true, ms: 780 }],
      // Random text: a repeated letter would compress to nothing in TOAST and flatter the bytes per job.
      text: randomBytes(900).toString('base64'),
      usage: { inputTokens: 120, outputTokens: 300 },
      finishReason: 'stop',
    },
    error: null,
  };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(label, pool) {
  await migrate(pool);
  const store = new HistoryStore(pool, { retentionDays: 30, partitionsAheadDays: 3 });
  await store.maintain();
  const tenants = Array.from({ length: 10 }, () => `t_${randomBytes(4).toString('hex')}`);
  // Jobs of the last two days, so pages and writes cross a partition boundary.
  const start = Date.now() - 2 * 86_400_000;
  const step = Math.floor((2 * 86_400_000) / JOBS);
  const jobs = Array.from({ length: JOBS }, (_, i) => job(tenants[i % tenants.length], start + i * step));

  const half = jobs.length / 2;
  let t0 = performance.now();
  for (let i = 0; i < half; i += BATCH) await store.writeJobs(jobs.slice(i, i + BATCH));
  const writeS = (performance.now() - t0) / 1000;
  // The other half by 4 writers at once (as many movers, or one mover with 4 batches in flight).
  const batches = [];
  for (let i = half; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  t0 = performance.now();
  await Promise.all(
    [0, 1, 2, 3].map(async (w) => {
      for (let b = w; b < batches.length; b += 4) await store.writeJobs(batches[b]);
    }),
  );
  const parallelS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (let i = 0; i < jobs.length; i += BATCH) await store.writeJobs(jobs.slice(i, i + BATCH));
  const rewriteS = (performance.now() - t0) / 1000;

  const gets = [];
  for (let i = 0; i < READS; i++) {
    const pick = jobs[Math.floor(Math.random() * jobs.length)];
    const s = performance.now();
    await store.getJob(pick.tenantId, pick.id);
    gets.push(performance.now() - s);
  }
  const lists = [];
  for (let i = 0; i < READS / 4; i++) {
    const pick = jobs[Math.floor(Math.random() * jobs.length)];
    const s = performance.now();
    await store.listJobs(pick.tenantId, { limit: 20, after: pick.id, ...(i % 2 ? { status: 'completed' } : {}) });
    lists.push(performance.now() - s);
  }
  gets.sort((a, b) => a - b);
  lists.sort((a, b) => a - b);
  const { rows } = await pool.query(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('jobs')`);
  const ms = (v) => v.toFixed(2);
  console.log(
    `${label}: writeJobs ${Math.round(half / writeS)} rows/s in batches of ${BATCH}, ${Math.round(half / parallelS)} rows/s with 4 in flight, ` +
      `the same batches again ${Math.round(JOBS / rewriteS)} rows/s, ` +
      `getJob p50 ${ms(quantile(gets, 0.5))} ms p99 ${ms(quantile(gets, 0.99))} ms, listJobs(20) p50 ${ms(quantile(lists, 0.5))} ms p99 ${ms(quantile(lists, 0.99))} ms, ` +
      `${Math.round(Number(rows[0].bytes) / JOBS)} bytes per job (table + indexes)`,
  );
}

// The real Postgres, in a schema of its own.
const base = process.env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const url = new URL(base);
url.searchParams.set('options', `-c search_path=${schema}`);
const pool = createPostgresPool({ url: url.toString(), max: 4 });
try {
  await run(`postgres (${(await admin.query('SHOW server_version')).rows[0].server_version})`, pool);
} finally {
  await pool.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}

// The embedded server, data on disk as `npm start` keeps it, one connection as each app has.
const dir = await mkdtemp(join(tmpdir(), 'voxq-bench-pg-'));
const embedded = await startEmbeddedPostgres({ dir, port: 0 });
const embeddedPool = createPostgresPool({ url: embedded.url, max: 1 });
try {
  await run('pglite (embedded, on disk)', embeddedPool);
} finally {
  await embeddedPool.end();
  await embedded.stop();
  await rm(dir, { recursive: true, force: true });
}
