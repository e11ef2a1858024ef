import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres, type TestPostgres } from '@voxq/testing';
import { historicDelivery, historicJob, tenantId } from './history.fixture';
import { HistoryStore } from './history-store';
import { migrate } from './migrator';
import { HISTORY_TABLES, listPartitions, maintainPartitions } from './partitions';
import { DAY_MS } from './record-time';

const START = Date.parse('2026-05-01T08:00:00Z');

describe('history partitions (real Postgres)', () => {
  let db: TestPostgres;

  beforeAll(async () => {
    db = await testPostgres();
    await migrate(db.pool);
  });
  afterAll(() => db?.drop());

  it("makes today's and the coming days' partitions of every table, once, also when two processes maintain at once", async () => {
    const policy = { retentionDays: 3, daysAhead: 2 };
    const [first, second] = await Promise.all([maintainPartitions(db.pool, policy, new Date(START)), maintainPartitions(db.pool, policy, new Date(START))]);
    expect([...first.created, ...second.created].sort()).toEqual(HISTORY_TABLES.flatMap((t) => [`${t}_p20260501`, `${t}_p20260502`, `${t}_p20260503`]).sort());
    for (const table of HISTORY_TABLES)
      expect(await listPartitions(db.pool, table)).toEqual([`${table}_p20260501`, `${table}_p20260502`, `${table}_p20260503`]);
    expect((await maintainPartitions(db.pool, policy, new Date(START))).created).toEqual([]);
  });

  it('drops a whole day once it is past retention, and keeps the days still within it', async () => {
    let now = START;
    const store = new HistoryStore(db.pool, { retentionDays: 3, partitionsAheadDays: 2, now: () => new Date(now) });
    const tenant = tenantId();
    const dayOne = [historicJob(tenant, START), historicJob(tenant, START + 1000)];
    const dayTwo = [historicJob(tenant, START + DAY_MS)];
    await store.writeJobs([...dayOne, ...dayTwo]);
    await store.writeDeliveries([{ delivery: historicDelivery(tenant, START), event: null }]);

    // 3 days after 2026-05-01 ends (05-04T23:59), the day is still within retention.
    now = Date.parse('2026-05-04T23:59:59Z');
    expect((await store.maintain()).dropped).toEqual([]);
    expect((await store.listJobs(tenant, { limit: 10 })).items).toHaveLength(3);

    now = Date.parse('2026-05-05T00:00:00Z');
    const report = await store.maintain();
    expect(report.dropped.sort()).toEqual(HISTORY_TABLES.map((t) => `${t}_p20260501`).sort());
    expect(await listPartitions(db.pool, 'jobs')).not.toContain('jobs_p20260501');
    // The day's rows went with its partition; the next day's are all there.
    expect((await store.listJobs(tenant, { limit: 10 })).items.map((j) => j.id)).toEqual(dayTwo.map((j) => j.id));
    for (const job of dayOne) expect(await store.getJob(tenant, job.id)).toBeNull();
    expect((await store.listDeliveries(tenant, { limit: 10 })).items).toEqual([]);
    // The days ahead of the new today were made.
    expect(report.created).toContain('jobs_p20260507');
  });
});
