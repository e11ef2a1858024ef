import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres, type TestPostgres } from '@voxq/testing';
import { historicBatch, historicDelivery, historicScoresRun, jobIdAt, tenantId } from './history.fixture';
import { HistoryStore } from './history-store';
import type { HistoricAttempt, HistoricDelivery } from './history-rows';
import { migrate } from './migrator';
import { DAY_MS } from './record-time';

const NOW = Date.parse('2026-07-20T09:30:00Z');

/** Every page of a listing, following its cursor. */
async function walk<T extends { id: string }>(page: (after?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const result = await page(after);
    ids.push(...result.items.map((item) => item.id));
    if (result.nextCursor === null) return ids;
    after = result.nextCursor;
  }
  throw new Error('the listing never ended');
}

const newestFirst = (ids: string[]) => [...ids].sort((a, b) => (a < b ? 1 : -1));

describe('HistoryStore deliveries, attempt logs, scores runs and batches (real Postgres)', () => {
  let db: TestPostgres;
  let store: HistoryStore;

  beforeAll(async () => {
    db = await testPostgres();
    await migrate(db.pool);
    store = new HistoryStore(db.pool, { retentionDays: 30, partitionsAheadDays: 1, now: () => new Date(NOW) });
    await store.maintain();
  });
  afterAll(() => db?.drop());

  it('deliveries: written once, read by their tenant only, with the event they sent', async () => {
    const [tenant, other] = [tenantId(), tenantId()];
    const delivery = historicDelivery(tenant, NOW - 2000);
    const event = { id: delivery.eventId, type: 'job.completed', timestamp: delivery.createdAt, data: { id: delivery.jobId } };
    expect(await store.writeDeliveries([{ delivery, event }])).toEqual({ written: 1, expired: 0 });
    expect(await store.writeDeliveries([{ delivery: { ...delivery, state: 'failed' }, event: null }])).toEqual({ written: 0, expired: 0 });
    expect(await store.getDelivery(tenant, delivery.id)).toEqual({ delivery, event });
    expect(await store.getDelivery(other, delivery.id)).toBeNull();
    expect(await store.getDelivery(tenant, 'wd_nope')).toBeNull();
  });

  it('deliveries: a later version of one (a redelivery that ended) replaces its row; the same or an older one does not', async () => {
    const tenant = tenantId();
    const delivery = historicDelivery(tenant, NOW - 5000);
    const event = { id: delivery.eventId, type: 'job.completed', timestamp: delivery.createdAt, data: { id: delivery.jobId } };
    await store.writeDeliveries([{ delivery, event }]);
    const again = { ...delivery, state: 'failed' as const, series: 1, attempts: 3, updatedAt: new Date(NOW - 1000).toISOString() };
    expect(await store.writeDeliveries([{ delivery: again, event: null }])).toEqual({ written: 1, expired: 0 });
    expect(
      await store.writeDeliveries([
        { delivery: again, event },
        { delivery, event },
      ]),
    ).toEqual({ written: 0, expired: 0 });
    // The event is kept when the later version comes without it.
    expect(await store.getDelivery(tenant, delivery.id)).toEqual({ delivery: again, event });
    const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM webhook_deliveries WHERE id = $1', [delivery.id]);
    expect(rows).toEqual([{ state: 'failed' }]);
  });

  it('deliveries: each filter of the listing, and its cursor across days', async () => {
    const tenant = tenantId();
    const job = jobIdAt(NOW - DAY_MS);
    const at = (i: number) => NOW - DAY_MS * 2 + i * 6 * 3600_000;
    const rows: HistoricDelivery[] = [
      historicDelivery(tenant, at(0), { jobId: job, state: 'succeeded' }),
      historicDelivery(tenant, at(1), { jobId: job, state: 'failed', endpointId: 'we_a' }),
      historicDelivery(tenant, at(2), { state: 'failed', eventType: 'job.failed', endpointId: 'we_a' }),
      historicDelivery(tenant, at(3), { state: 'cancelled', eventType: 'batch.completed' }),
      historicDelivery(tenant, at(4), { state: 'succeeded', endpointId: 'we_b' }),
      historicDelivery(tenant, at(5), { state: 'expired' }),
      historicDelivery(tenantId(), at(5), { jobId: job }),
    ];
    await store.writeDeliveries(rows.map((delivery) => ({ delivery, event: null })));
    const mine = rows.filter((r) => r.tenantId === tenant);
    const expectIds = (pick: (r: HistoricDelivery) => boolean) => newestFirst(mine.filter(pick).map((r) => r.id));
    const list = (options: Parameters<HistoryStore['listDeliveries']>[1]) => store.listDeliveries(tenant, options).then((p) => p.items.map((d) => d.id));

    expect(await walk((after) => store.listDeliveries(tenant, { limit: 2, after }))).toEqual(expectIds(() => true));
    expect(await list({ limit: 10, state: 'failed' })).toEqual(expectIds((r) => r.state === 'failed'));
    expect(await list({ limit: 10, jobId: job })).toEqual(expectIds((r) => r.jobId === job));
    expect(await list({ limit: 10, endpointId: 'we_a', state: 'failed' })).toEqual(expectIds((r) => r.endpointId === 'we_a'));
    expect(await list({ limit: 10, eventType: 'batch.completed' })).toEqual(expectIds((r) => r.eventType === 'batch.completed'));
    const from = new Date(at(2));
    const to = new Date(at(4));
    expect(await list({ limit: 10, from, to })).toEqual(expectIds((r) => Date.parse(r.createdAt) >= at(2) && Date.parse(r.createdAt) <= at(4)));
  });

  it("attempt logs: a subject's lines newest first, each written once, for its tenant only", async () => {
    const tenant = tenantId();
    const subject = jobIdAt(NOW - 60_000);
    const line = (attempt: number, seconds: number, series = 0): HistoricAttempt => ({
      attempt,
      at: new Date(NOW - 60_000 + seconds * 1000).toISOString(),
      url: 'https://receiver.example/hook',
      status: attempt === 3 ? 200 : 503,
      ms: 40,
      excerpt: null,
      error: attempt === 3 ? null : 'HTTP 503',
      deliveryId: 'wd_0000000000000000000000000001',
      endpointId: null,
      series,
    });
    const lines = [line(1, 1), line(2, 6), line(3, 300), line(1, 900, 1)];
    expect(await store.writeAttemptLogs([{ tenantId: tenant, subjectId: subject, lines }])).toEqual({ written: 4, expired: 0 });
    expect(await store.writeAttemptLogs([{ tenantId: tenant, subjectId: subject, lines: lines.slice(0, 3) }])).toEqual({ written: 0, expired: 0 });
    expect(await store.readAttemptLog(tenant, subject)).toEqual([...lines].reverse());
    expect(await store.readAttemptLog(tenant, subject, 2)).toEqual([lines[3], lines[2]]);
    expect(await store.readAttemptLog(tenantId(), subject)).toEqual([]);
  });

  it("scores runs: read by id, by their tenant (or anyone's when recorded without one), never another tenant's", async () => {
    const [tenant, other] = [tenantId(), tenantId()];
    const owned = historicScoresRun(tenant, NOW - 3 * DAY_MS);
    const shared = historicScoresRun(undefined, NOW - 1000);
    expect(await store.writeScoresRuns([owned, shared, owned])).toEqual({ written: 2, expired: 0 });
    expect(await store.getScoresRun(tenant, owned.id)).toEqual(owned);
    expect(await store.getScoresRun(other, owned.id)).toBeNull();
    expect(await store.getScoresRun(other, shared.id)).toEqual(shared);
    expect(await store.getScoresRun(tenant, 'sr_missing')).toBeNull();
  });

  it('batches: written once, read and listed newest first by their tenant only', async () => {
    const [tenant, other] = [tenantId(), tenantId()];
    const batches = [0, 1, 2, 3, 4].map((i) => historicBatch(tenant, NOW - i * 9 * 3600_000, i === 2 ? { status: 'cancelled', cancelled_at: 7 } : {}));
    batches[2]!.cancelRequestedAt = 1_784_000_000_000;
    expect(await store.writeBatches([...batches, batches[0]!])).toEqual({ written: 5, expired: 0 });
    expect(await store.getBatch(tenant, batches[2]!.batch.id)).toEqual(batches[2]);
    expect(await store.getBatch(other, batches[2]!.batch.id)).toBeNull();
    const ids = batches.map((b) => b.batch.id);
    expect(await walk((after) => store.listBatches(tenant, { limit: 2, after }).then((p) => ({ ...p, items: p.items.map((b) => b.batch) })))).toEqual(
      newestFirst(ids),
    );
    expect((await store.listBatches(other, { limit: 10 })).items).toEqual([]);
  });
});
