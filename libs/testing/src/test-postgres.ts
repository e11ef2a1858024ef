import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The machine's Postgres the integration suites use: `POSTGRES_URL` when set. */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgres {
  /** A URL whose connections work in this test's own schema (`search_path`). */
  url: string;
  schema: string;
  /** A pool on `url`, ended by `drop`. */
  pool: pg.Pool;
  /** Ends the pool and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * A fresh schema of the test Postgres for one test file (or test), so files run in parallel
 * and again without seeing each other's tables: every connection made from `url` has the
 * schema as its `search_path`, so unqualified names (what the stores use) land there.
 */
export async function testPostgres(base = process.env['POSTGRES_URL'] || DEFAULT_TEST_POSTGRES_URL): Promise<TestPostgres> {
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  return {
    url: url.toString(),
    schema,
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
