import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { historicJob, tenantId } from './history.fixture';
import { HistoryStore } from './history-store';
import { appliedMigrations, migrate } from './migrator';
import { HISTORY_MIGRATIONS } from './migrations';
import { createPostgresPool } from './postgres-pool';

describe('startEmbeddedPostgres (PGlite on the wire)', () => {
  let dir: string;
  let embedded: EmbeddedPostgres | undefined;
  const pools: pg.Pool[] = [];
  /** One process's pool, as a local start gives each app (`POSTGRES_POOL_MAX=1`). */
  const processPool = (url: string) => {
    const pool = createPostgresPool({ url, max: 1 });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxq-pg-'));
  });
  afterAll(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts, migrates once for three processes at once, writes and reads; the data outlives a restart', async () => {
    embedded = await startEmbeddedPostgres({ dir, port: 0 });
    const [a, b, c] = [processPool(embedded.url), processPool(embedded.url), processPool(embedded.url)];
    const applied = await Promise.all([a, b, c].map((pool) => migrate(pool)));
    expect(applied.flat()).toEqual(HISTORY_MIGRATIONS.map((m) => m.version));

    const store = new HistoryStore(a, { retentionDays: 30, partitionsAheadDays: 1 });
    await store.maintain();
    const tenant = tenantId();
    const jobs = Array.from({ length: 40 }, (_, i) => historicJob(tenant, Date.now() - i * 1000));
    // Three clients at once, each statement interleaved with the others' on the one PGlite.
    const readers = [new HistoryStore(b, { retentionDays: 30, partitionsAheadDays: 1 }), new HistoryStore(c, { retentionDays: 30, partitionsAheadDays: 1 })];
    const outcomes = await Promise.all([
      store.writeJobs(jobs.slice(0, 20)),
      readers[0]!.writeJobs(jobs.slice(10, 30)),
      readers[1]!.writeJobs(jobs.slice(20, 40)),
      ...jobs.slice(0, 5).map((job) => readers[0]!.getJob(tenant, job.id)),
    ]);
    const written = outcomes.slice(0, 3).reduce((sum, o) => sum + (o as { written: number }).written, 0);
    expect(written).toBe(40);
    const page = await readers[1]!.listJobs(tenant, { limit: 50 });
    expect(page.items.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect((await readers[0]!.getJob(tenant, jobs[7]!.id))?.result).toEqual(jobs[7]!.result);

    await Promise.all(pools.splice(0).map((p) => p.end()));
    await embedded.stop();
    embedded = await startEmbeddedPostgres({ dir, port: 0 });
    const again = processPool(embedded.url);
    expect(await appliedMigrations(again)).toEqual(HISTORY_MIGRATIONS.map((m) => m.version));
    expect(await migrate(again)).toEqual([]);
    expect((await new HistoryStore(again, { retentionDays: 30, partitionsAheadDays: 1 }).listJobs(tenant, { limit: 50 })).items).toHaveLength(40);
  });
});
