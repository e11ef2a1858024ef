import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres, type TestPostgres } from '@voxq/testing';
import { historicJob, tenantId } from './history.fixture';
import { HistoryStore } from './history-store';
import type { HistoricJob } from './history-rows';
import { migrate } from './migrator';
import { listPartitions } from './partitions';
import { DAY_MS } from './record-time';

// A fixed clock: the partitions of 2026-03-10 and the next 2 days come from `maintain`.
const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('HistoryStore jobs (real Postgres)', () => {
  let pg: TestPostgres;
  let store: HistoryStore;

  beforeAll(async () => {
    pg = await testPostgres();
    await migrate(pg.pool);
    store = new HistoryStore(pg.pool, { retentionDays: 30, partitionsAheadDays: 2, now: () => new Date(NOW) });
    await store.maintain();
  });
  afterAll(() => pg?.drop());

  it('writes a batch once: the same batch again adds nothing and changes nothing', async () => {
    const tenant = tenantId();
    const jobs = Array.from({ length: 5 }, (_, i) => historicJob(tenant, NOW - i * 1000));
    expect(await store.writeJobs(jobs)).toEqual({ written: 5, expired: 0 });
    const changed = jobs.map((job) => ({ ...job, status: 'failed' as const }));
    expect(await store.writeJobs(changed)).toEqual({ written: 0, expired: 0 });
    const { rows } = await pg.pool.query('SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1', [tenant]);
    expect(rows[0].n).toBe(5);
    const { tenantId: _t, ...view } = jobs[2]!;
    expect(await store.getJob(tenant, jobs[2]!.id)).toEqual(view);
  });

  it("keeps a job's input in its own column: read only when asked, null when none was kept, never in the record", async () => {
    const tenant = tenantId();
    const input = { messages: [{ role: 'user', content: 'kept input' }], maxToolHops: 8 } as HistoricJob['input'];
    const withInput = historicJob(tenant, NOW - 3000, { input });
    const before = historicJob(tenant, NOW - 3001); // moved before inputs were kept: no input at all
    const notKept = historicJob(tenant, NOW - 3002, { input: null }); // larger than a record keeps
    await store.writeJobs([withInput, before, notKept]);
    expect(await store.getJob(tenant, withInput.id)).not.toHaveProperty('input');
    expect((await store.getJob(tenant, withInput.id, { input: true }))?.input).toEqual(input);
    expect((await store.getJob(tenant, before.id, { input: true }))?.input).toBeNull();
    expect((await store.getJob(tenant, notKept.id, { input: true }))?.input).toBeNull();
    expect((await store.listJobs(tenant, { limit: 10 })).items.some((job) => 'input' in job)).toBe(false);
    const listed = await store.listJobs(tenant, { limit: 10, input: true });
    expect(listed.items.map((job) => job.input)).toEqual([input, null, null]);
    // Another tenant sees neither the job nor its input.
    expect(await store.getJob(tenantId(), withInput.id, { input: true })).toBeNull();
    const { rows } = await pg.pool.query<{ record: Record<string, unknown> }>('SELECT record FROM jobs WHERE id = $1', [withInput.id]);
    expect(rows[0]!.record).not.toHaveProperty('input');
  });

  it('stores a result holding NUL characters (which Postgres refuses) with U+FFFD in their place, not a failed batch', async () => {
    const tenant = tenantId();
    const job = historicJob(tenant, NOW - 7000, { result: { text: 'before\u0000after' } as unknown as HistoricJob['result'] });
    const neighbour = historicJob(tenant, NOW - 7001);
    expect(await store.writeJobs([job, neighbour])).toEqual({ written: 2, expired: 0 });
    expect((await store.getJob(tenant, job.id))?.result).toEqual({ text: 'before\ufffdafter' });
  });

  it("reads a tenant's own jobs only: another tenant's id is null, as is an id it never wrote", async () => {
    const [owner, other] = [tenantId(), tenantId()];
    const job = historicJob(owner, NOW - 5000);
    await store.writeJobs([job]);
    expect((await store.getJob(owner, job.id))?.id).toBe(job.id);
    expect(await store.getJob(other, job.id)).toBeNull();
    expect(await store.getJob(owner, 'job_0000000000000000000000000000')).toBeNull();
    expect(await store.getJob(owner, 'not-an-id')).toBeNull();
    expect((await store.listJobs(other, { limit: 10 })).items).toEqual([]);
  });

  it('pages newest first with an exact cursor across day partitions', async () => {
    const tenant = tenantId();
    // Three days, several jobs each, some in the same millisecond near midnight.
    const midnight = Date.parse('2026-03-10T00:00:00Z');
    const times = [midnight - DAY_MS + 5, midnight - 1, midnight - 1, midnight, midnight + 3, NOW, NOW, NOW + DAY_MS];
    const jobs = times.map((ms) => historicJob(tenant, ms));
    await store.writeJobs(jobs);
    const expected = jobs.map((j) => j.id).sort((a, b) => (a < b ? 1 : -1));

    for (const limit of [1, 2, 3, 8]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await store.listJobs(tenant, { limit, ...(after ? { after } : {}) });
        seen.push(...result.items.map((j) => j.id));
        if (result.nextCursor === null) break;
        after = result.nextCursor;
      }
      expect(seen).toEqual(expected);
    }
  });

  it('filters by status, by type, and by both', async () => {
    const tenant = tenantId();
    const kinds: Array<Pick<HistoricJob, 'status' | 'type'>> = [
      { status: 'completed', type: 'complete' },
      { status: 'failed', type: 'complete' },
      { status: 'completed', type: 'transcribe' },
      { status: 'cancelled', type: 'synthesize' },
      { status: 'failed', type: 'transcribe' },
    ];
    const jobs = kinds.map((kind, i) => historicJob(tenant, NOW - i * 60_000, kind));
    await store.writeJobs(jobs);
    const ids = (pick: (j: HistoricJob) => boolean) => jobs.filter(pick).map((j) => j.id);

    expect((await store.listJobs(tenant, { limit: 10, status: 'failed' })).items.map((j) => j.id)).toEqual(ids((j) => j.status === 'failed'));
    expect((await store.listJobs(tenant, { limit: 10, type: 'transcribe' })).items.map((j) => j.id)).toEqual(ids((j) => j.type === 'transcribe'));
    const both = await store.listJobs(tenant, { limit: 10, status: 'completed', type: 'transcribe' });
    expect(both.items.map((j) => j.id)).toEqual(ids((j) => j.status === 'completed' && j.type === 'transcribe'));
    // A filtered page that is full gives its last id as the cursor; the next is the rest.
    const first = await store.listJobs(tenant, { limit: 1, status: 'failed' });
    expect(first.nextCursor).toBe(first.items[0]!.id);
    const rest = await store.listJobs(tenant, { limit: 1, status: 'failed', after: first.nextCursor! });
    expect(rest.items.map((j) => j.id)).toEqual([ids((j) => j.status === 'failed')[1]]);
  });

  it('makes the partition of a day maintenance did not prepare, and skips records already past retention', async () => {
    const tenant = tenantId();
    const tenDaysAgo = historicJob(tenant, NOW - 10 * DAY_MS);
    const before = await listPartitions(pg.pool, 'jobs');
    expect(await store.writeJobs([tenDaysAgo])).toEqual({ written: 1, expired: 0 });
    expect((await listPartitions(pg.pool, 'jobs')).length).toBe(before.length + 1);
    expect((await store.getJob(tenant, tenDaysAgo.id))?.id).toBe(tenDaysAgo.id);

    const tooOld = historicJob(tenant, NOW - 40 * DAY_MS);
    expect(await store.writeJobs([tooOld])).toEqual({ written: 0, expired: 1 });
    expect(await store.getJob(tenant, tooOld.id)).toBeNull();
  });
});
