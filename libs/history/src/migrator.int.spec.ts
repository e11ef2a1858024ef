import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPostgres, type TestPostgres } from '@voxq/testing';
import { appliedMigrations, migrate } from './migrator';
import { HISTORY_MIGRATIONS, type Migration } from './migrations';
import { HISTORY_TABLES } from './partitions';

describe('migrate (real Postgres)', () => {
  let db: TestPostgres;
  const pools: pg.Pool[] = [];
  /** A pool of its own, as each process starting at once has. */
  const processPool = () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pools.push(pool);
    return pool;
  };

  beforeEach(async () => {
    db = await testPostgres();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await db.drop();
  });

  it('applies each migration exactly once when three processes start at the same time', async () => {
    const results = await Promise.all([processPool(), processPool(), processPool()].map((pool) => migrate(pool)));
    const versions = HISTORY_MIGRATIONS.map((m) => m.version);
    // Between them the three applied every version once; the others found it done.
    expect(results.flat().sort()).toEqual(versions);
    expect(await appliedMigrations(db.pool)).toEqual(versions);
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1)`,
      [[...HISTORY_TABLES]],
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...HISTORY_TABLES].sort());
    // Started again later: nothing to do.
    expect(await migrate(processPool())).toEqual([]);
  });

  it('applies only the new ones, in version order, and leaves no trace of one that fails', async () => {
    expect(await appliedMigrations(db.pool)).toEqual([]);
    await migrate(db.pool);
    const applied = HISTORY_MIGRATIONS.map((m) => m.version);
    const last = applied.at(-1)!;
    const later: Migration[] = [
      ...HISTORY_MIGRATIONS,
      { version: last + 2, name: 'third', sql: 'ALTER TABLE second_table ADD COLUMN extra text' },
      { version: last + 1, name: 'second', sql: 'CREATE TABLE second_table (id text PRIMARY KEY)' },
    ];
    expect(await migrate(db.pool, later)).toEqual([last + 1, last + 2]);

    const broken: Migration[] = [...later, { version: last + 3, name: 'broken', sql: 'CREATE TABLE fourth_table (id text); SELECT no_such_function()' }];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/no_such_function/);
    expect(await appliedMigrations(db.pool)).toEqual([...applied, last + 1, last + 2]);
    const { rows } = await db.pool.query(`SELECT to_regclass('fourth_table') AS t`);
    expect(rows[0].t).toBeNull();
  });
});
