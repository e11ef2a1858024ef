import type { Pool, PoolClient } from 'pg';
import { DAY_MS, dayOf, dayOfPartition, partitionName, pastRetention } from './record-time';

/** Every table of the history tier: each partitioned by day on `created_at`. */
export const HISTORY_TABLES = ['jobs', 'webhook_deliveries', 'webhook_attempts', 'scores_runs', 'batches'] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];

export interface PartitionPolicy {
  /** Days a record is kept: a day's partition is dropped once the whole day is older. */
  retentionDays: number;
  /** Days after today whose partitions exist ahead of time, so writes never wait on DDL. */
  daysAhead: number;
}

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
}

/** The same lock as the migrations' family, per schema: DDL on partitions is done by one process at a time. */
const LOCK_KEY_SQL = `hashtext('voxq-history-partitions:' || current_schema())`;

/**
 * Creates the partitions of today and the next `daysAhead` days, and drops every partition
 * whose day is past retention (a whole table at once: no row-by-row deletes, no vacuum debt).
 * Safe to run from several processes at once, and often (each step is a no-op when done).
 */
export async function maintainPartitions(pool: Pool, policy: PartitionPolicy, now = new Date()): Promise<MaintenanceReport> {
  const today = dayOf(now.getTime());
  const days = Array.from({ length: policy.daysAhead + 1 }, (_, i) => today + i * DAY_MS);
  return withPartitionLock(pool, async (client) => {
    const created: string[] = [];
    const dropped: string[] = [];
    for (const table of HISTORY_TABLES) {
      const existing = await partitionsOf(client, table);
      for (const day of days) {
        const name = partitionName(table, day);
        if (existing.has(name)) continue;
        await createPartition(client, table, day);
        created.push(name);
      }
      for (const name of existing) {
        const day = dayOfPartition(table, name);
        if (day === null || !pastRetention(day, now.getTime(), policy.retentionDays)) continue;
        await client.query(`DROP TABLE IF EXISTS ${name}`);
        dropped.push(name);
      }
    }
    return { created, dropped };
  });
}

/**
 * Makes the partitions of the given days if they are missing: for a record created on a day
 * `maintainPartitions` did not prepare (one older than the process's first maintenance).
 */
export async function ensurePartitions(pool: Pool, table: HistoryTable, days: Iterable<number>): Promise<void> {
  const wanted = [...new Set([...days].map(dayOf))];
  await withPartitionLock(pool, async (client) => {
    const existing = await partitionsOf(client, table);
    for (const day of wanted) if (!existing.has(partitionName(table, day))) await createPartition(client, table, day);
  });
}

/** The names of a table's partitions (in the connection's schema). */
export async function listPartitions(pool: Pool, table: HistoryTable): Promise<string[]> {
  const client = await pool.connect();
  try {
    return [...(await partitionsOf(client, table))].sort();
  } finally {
    client.release();
  }
}

async function partitionsOf(client: PoolClient, table: HistoryTable): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
    [table],
  );
  return new Set(rows.map((r) => r.name));
}

async function createPartition(client: PoolClient, table: HistoryTable, day: number): Promise<void> {
  const from = new Date(day).toISOString();
  const to = new Date(day + DAY_MS).toISOString();
  // Names and bounds are ours (a table of HISTORY_TABLES, a date): nothing a client sent.
  await client.query(`CREATE TABLE IF NOT EXISTS ${partitionName(table, day)} PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}')`);
}

async function withPartitionLock<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A client whose query failed may have lost its connection: the pool then discards it.
    client.release(failure);
  }
}
