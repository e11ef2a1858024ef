import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@voxq/testing';
import { historicJob, tenantId } from './history.fixture';
import { HistoryStore } from './history-store';
import { createPostgresPool } from './postgres-pool';
import type pg from 'pg';

describe('HistoryStore when Postgres is not there', () => {
  const pools: pg.Pool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.end())));

  it('fails reads and writes with a retryable service_unavailable, so the mover keeps its records and tries again', async () => {
    const pool = createPostgresPool({ url: `postgres://postgres@127.0.0.1:${await freePort()}/test`, max: 1 });
    pools.push(pool);
    const store = new HistoryStore(pool, { retentionDays: 30, partitionsAheadDays: 1 });
    const tenant = tenantId();
    const unavailable = { code: 'service_unavailable', retryable: true, status: 503 };
    await expect(store.writeJobs([historicJob(tenant, Date.now())])).rejects.toMatchObject(unavailable);
    await expect(store.getJob(tenant, historicJob(tenant, Date.now()).id)).rejects.toMatchObject(unavailable);
    await expect(store.listJobs(tenant, { limit: 5 })).rejects.toMatchObject(unavailable);
    await expect(store.maintain()).rejects.toMatchObject(unavailable);
  });

  it('refuses a record whose id carries no time as a bug of the caller, not worth a retry', async () => {
    const pool = createPostgresPool({ url: `postgres://postgres@127.0.0.1:${await freePort()}/test`, max: 1 });
    pools.push(pool);
    const store = new HistoryStore(pool, { retentionDays: 30, partitionsAheadDays: 1 });
    const job = { ...historicJob(tenantId(), Date.now()), id: 'job_not-time-ordered' };
    await expect(store.writeJobs([job])).rejects.toMatchObject({ code: 'internal_error', retryable: false });
  });
});
