import type { Pool, PoolClient } from 'pg';
import { HISTORY_MIGRATIONS, type Migration } from './migrations';

/**
 * The advisory lock every migrator takes, per schema (tests give each file its own): the
 * transaction-scoped kind, so it goes with the COMMIT or ROLLBACK even when the process dies
 * mid-migration, and it also holds on the embedded server, where every client shares one
 * session (a session lock there would be re-entrant for all of them; docs/history.md).
 */
const LOCK_KEY_SQL = `hashtext('voxq-history-migrations:' || current_schema())`;

/**
 * Applies the migrations a database has not had yet, each exactly once even when several
 * processes start at the same time: each one runs in its own transaction, which first takes
 * the advisory lock, then checks `schema_migrations`, so a process that waited on the lock
 * finds the migration applied and skips it. Returns the versions this call applied.
 *
 * A small runner of our own: the migration libraries read `.sql` files from a folder at run
 * time, which the bundled apps (one `main.js` each) do not ship; ours are bundled as text.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = HISTORY_MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (await applyOnce(client, migration)) applied.push(migration.version);
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A client whose query failed may have lost its connection: the pool then discards it.
    client.release(failure);
  }
  return applied;
}

async function applyOnce(client: PoolClient, migration: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
    if (done.rowCount) {
      await client.query('COMMIT');
      return false;
    }
    // No parameters: the simple protocol, which runs a file of several statements.
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The versions a database has applied, oldest first (none before the first migration). */
export async function appliedMigrations(pool: Pool): Promise<number[]> {
  const exists = await pool.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return [];
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => r.version);
}
