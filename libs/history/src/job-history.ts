import type { Pool } from 'pg';
import type { JobStatus, JobType, JobView } from '@voxq/contracts';
import { historyBug } from './postgres-errors';
import { insertRows, pageById, type Column } from './history-table';
import { storedInputSchema, storedJobViewSchema, type HistoricJob, type HistoryPage } from './history-rows';
import { timeOfId } from './record-time';

const JOB_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'started_at', type: 'timestamptz' },
  { name: 'finished_at', type: 'timestamptz' },
  { name: 'attempts', type: 'integer' },
  { name: 'batch_id', type: 'text' },
  { name: 'record', type: 'jsonb' },
  { name: 'input', type: 'jsonb' },
];

export interface JobListOptions {
  status?: JobStatus | undefined;
  type?: JobType | undefined;
  limit: number;
  /** Exclusive: the last id of the previous page. */
  after?: string | undefined;
  /** Read each job's input too (the view then carries `input`, null when none was kept). */
  input?: boolean | undefined;
}

/** The creation time a record's id carries: its partition. An id voxq did not make is a bug of the caller's. */
export function createdAtOf(id: string): Date {
  const at = timeOfId(id);
  if (!at) throw historyBug(`history: '${id}' is not a time-ordered id`);
  return at;
}

const parseView = (record: unknown): JobView => storedJobViewSchema.parse(record) as JobView;

/** The view of a row, with its input when the read selected it. */
function viewOf(row: { record: unknown; input?: unknown }): JobView {
  const view = parseView(row.record);
  return 'input' in row ? { ...view, input: storedInputSchema.parse(row.input ?? null) as JobView['input'] } : view;
}

/** Writes finished jobs, each once (see `insertRows`); returns how many were new. */
export async function writeJobs(pool: Pool, jobs: readonly HistoricJob[]): Promise<number> {
  // The view is the record; its input (absent in views made without it) has its own column.
  const rows = jobs.map(({ tenantId, input, ...view }) => ({
    id: view.id,
    created_at: createdAtOf(view.id),
    tenant_id: tenantId,
    type: view.type,
    status: view.status,
    started_at: view.startedAt,
    finished_at: view.finishedAt,
    attempts: view.attempts,
    batch_id: view.batchId ?? null,
    record: view,
    input: input ?? null,
  }));
  return insertRows(
    pool,
    'jobs',
    JOB_COLUMNS,
    rows,
    rows.map((row) => row.created_at.getTime()),
  );
}

/** A tenant's job, or null when history has none with this id for this tenant; `input: true` reads its input too. */
export async function getJob(pool: Pool, tenantId: string, id: string, { input = false }: { input?: boolean } = {}): Promise<JobView | null> {
  const createdAt = timeOfId(id);
  if (!createdAt || !id.startsWith('job_')) return null;
  const { rows } = await pool.query<{ record: unknown; input?: unknown }>(
    `SELECT ${input ? 'record, input' : 'record'} FROM jobs WHERE id = $1 AND created_at = $2 AND tenant_id = $3`,
    [id, createdAt, tenantId],
  );
  return rows[0] ? viewOf(rows[0]) : null;
}

/** A tenant's jobs newest first, as `JobStore.list` pages them (status and type filters, exclusive cursor). */
export async function listJobs(pool: Pool, tenantId: string, options: JobListOptions): Promise<HistoryPage<JobView>> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (options.status) where.push(`status = $${params.push(options.status)}`);
  if (options.type) where.push(`type = $${params.push(options.type)}`);
  const page = await pageById<{ id: string; record: unknown; input?: unknown }>(pool, {
    table: 'jobs',
    where,
    params,
    select: options.input ? 'record, input' : 'record',
    limit: options.limit,
    after: options.after,
    afterTime: options.after === undefined ? undefined : timeOfId(options.after),
  });
  return { items: page.rows.map(viewOf), nextCursor: page.nextCursor };
}
