import type { Pool } from 'pg';
import { historyBug } from './postgres-errors';
import { insertRows, pageById, type Column } from './history-table';
import {
  batchProgressSchema,
  historicBatchSchema,
  historicScoresRunSchema,
  type HistoricBatch,
  type HistoricScoresRun,
  type HistoryPage,
} from './history-rows';
import { createdAtOf } from './job-history';
import { timeOfId } from './record-time';

const BATCH_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'record', type: 'jsonb' },
  { name: 'progress', type: 'jsonb' },
  { name: 'cancel_requested_at', type: 'bigint' },
];

const SCORES_RUN_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'text' },
  { name: 'capability', type: 'text' },
  { name: 'record', type: 'jsonb' },
];

interface BatchRow {
  id: string;
  record: unknown;
  progress: unknown;
  cancel_requested_at: string | null;
}

const toBatch = (row: BatchRow): HistoricBatch => ({
  batch: historicBatchSchema.parse(row.record),
  progress: batchProgressSchema.parse(row.progress),
  // bigint comes back as a string (pg keeps 64-bit integers exact); these are epoch values.
  cancelRequestedAt: row.cancel_requested_at === null ? null : Number(row.cancel_requested_at),
});

export async function writeBatches(pool: Pool, batches: readonly HistoricBatch[]): Promise<number> {
  const rows = batches.map(({ batch, progress, cancelRequestedAt }) => ({
    id: batch.id,
    created_at: createdAtOf(batch.id),
    tenant_id: batch.tenantId,
    status: batch.status,
    record: batch,
    progress,
    cancel_requested_at: cancelRequestedAt,
  }));
  return insertRows(
    pool,
    'batches',
    BATCH_COLUMNS,
    rows,
    rows.map((row) => row.created_at.getTime()),
  );
}

export async function getBatch(pool: Pool, tenantId: string, id: string): Promise<HistoricBatch | null> {
  const createdAt = timeOfId(id);
  if (!createdAt || !id.startsWith('batch_')) return null;
  const { rows } = await pool.query<BatchRow>(
    'SELECT id, record, progress, cancel_requested_at FROM batches WHERE id = $1 AND created_at = $2 AND tenant_id = $3',
    [id, createdAt, tenantId],
  );
  return rows[0] ? toBatch(rows[0]) : null;
}

/** A tenant's batches newest first (`GET /v1/batches`, `after` exclusive). */
export async function listBatches(pool: Pool, tenantId: string, options: { limit: number; after?: string | undefined }): Promise<HistoryPage<HistoricBatch>> {
  const page = await pageById<BatchRow>(pool, {
    table: 'batches',
    where: ['tenant_id = $1'],
    params: [tenantId],
    select: 'record, progress, cancel_requested_at',
    limit: options.limit,
    after: options.after,
    afterTime: options.after === undefined ? undefined : timeOfId(options.after),
  });
  return { items: page.rows.map(toBatch), nextCursor: page.nextCursor };
}

/** The creation time of a scores run, which its random id does not carry. */
export function scoresRunTime(run: HistoricScoresRun): Date {
  const at = new Date(run.createdAt);
  if (Number.isNaN(at.getTime())) throw historyBug(`history: scores run ${run.id} has no readable createdAt ('${run.createdAt}')`);
  return at;
}

export async function writeScoresRuns(pool: Pool, runs: readonly HistoricScoresRun[]): Promise<number> {
  const rows = runs.map((run) => ({ id: run.id, created_at: scoresRunTime(run), tenant_id: run.tenantId ?? null, capability: run.capability, record: run }));
  return insertRows(
    pool,
    'scores_runs',
    SCORES_RUN_COLUMNS,
    rows,
    rows.map((row) => row.created_at.getTime()),
  );
}

/**
 * A scores run the tenant may read: its own, or one recorded without a tenant (as the route
 * allows today). Its id carries no time, so each retained day's partition is probed.
 */
export async function getScoresRun(pool: Pool, tenantId: string, id: string): Promise<HistoricScoresRun | null> {
  const { rows } = await pool.query<{ record: unknown }>('SELECT record FROM scores_runs WHERE id = $1 AND (tenant_id IS NULL OR tenant_id = $2) LIMIT 1', [
    id,
    tenantId,
  ]);
  return rows[0] ? historicScoresRunSchema.parse(rows[0].record) : null;
}
