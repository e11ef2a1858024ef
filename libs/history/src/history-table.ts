import type { Pool } from 'pg';
import { ensurePartitions, type HistoryTable } from './partitions';

/** A column of a batch insert and the array type its values are sent as (`$n::<type>[]`). */
export interface Column {
  name: string;
  type: 'text' | 'timestamptz' | 'integer' | 'bigint' | 'jsonb';
}

/** Postgres: "no partition of relation … found for row". */
const NO_PARTITION = '23514';

/**
 * Writes a batch of rows in one statement, `INSERT … SELECT FROM unnest(<one array per
 * column>) ON CONFLICT DO NOTHING`: as many parameters whatever the batch size, and a row
 * already there (a batch written twice after a crash) is left as it is. A row whose day has no
 * partition yet (older than the first maintenance) makes its partitions, then the batch is
 * written again. Returns the rows added.
 */
export async function insertRows(
  pool: Pool,
  table: HistoryTable,
  columns: readonly Column[],
  rows: ReadonlyArray<readonly unknown[]>,
  days: Iterable<number>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const arrays = columns.map((_, c) => rows.map((row) => row[c] ?? null));
  const names = columns.map((c) => c.name).join(', ');
  const unnest = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest}) ON CONFLICT DO NOTHING`;
  try {
    return (await pool.query(sql, arrays)).rowCount ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code !== NO_PARTITION) throw error;
    await ensurePartitions(pool, table, days);
    return (await pool.query(sql, arrays)).rowCount ?? 0;
  }
}

export interface PageQuery {
  table: HistoryTable;
  /** Conditions on the table's columns, `$n` numbered from 1 in `params`' order. */
  where: string[];
  params: unknown[];
  /** Columns to return besides `id`. */
  select: string;
  limit: number;
  /** Exclusive: the last id of the previous page. */
  after?: string | undefined;
  /** The creation time `after` carries (its partition): older partitions only are read. */
  afterTime?: Date | null | undefined;
}

/**
 * One newest-first page by id, with the exact exclusive cursor `JobStore.list` has: ids sort by
 * creation time, so `id < after` continues where the last page ended whatever was written
 * since, across partition boundaries; `created_at <= time of after` lets the planner skip the
 * newer partitions. `nextCursor` is the last id of a full page, null on a short one.
 */
export async function pageById<R extends { id: string }>(pool: Pool, query: PageQuery): Promise<{ rows: R[]; nextCursor: string | null }> {
  const where = [...query.where];
  const params = [...query.params];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (query.after !== undefined) {
    where.push(`id < ${bind(query.after)}`);
    if (query.afterTime) where.push(`created_at <= ${bind(query.afterTime)}`);
  }
  const sql = `SELECT id, ${query.select} FROM ${query.table} WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${bind(query.limit)}`;
  const { rows } = await pool.query<R>(sql, params);
  return { rows, nextCursor: rows.length === query.limit && rows.length > 0 ? rows.at(-1)!.id : null };
}
