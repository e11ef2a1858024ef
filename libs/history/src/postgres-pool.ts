import { createRequire } from 'node:module';
import type * as Pg from 'pg';
import type { Pool } from 'pg';

// pg is loaded when a pool is made, not when this lib is: it adds ~15 MB to a process's RSS,
// and every process imports the lib whether or not POSTGRES_URL names a history tier.
const requirePg = () => createRequire(import.meta.url)('pg') as typeof Pg;

export interface PostgresPoolOptions {
  /** `postgres://user:password@host:port/database` (`POSTGRES_URL`). */
  url: string;
  /** Connections this process keeps at most (`POSTGRES_POOL_MAX`); 1 against the embedded server. */
  max: number;
  /** Told about a failure of an idle connection (Postgres restarted, the network dropped it). */
  onIdleError?: (error: Error) => void;
}

/**
 * The process's one pool to the history database. An idle connection that fails is dropped
 * by the pool and reported to `onIdleError`: unhandled, pg's `error` event would end the
 * process. Queries then open fresh connections; while Postgres is away they fail with
 * `service_unavailable` (`toHistoryError`).
 */
export function createPostgresPool(options: PostgresPoolOptions): Pool {
  const pool = new (requirePg().Pool)({
    connectionString: options.url,
    max: options.max,
    // A request path waits this long for a connection, not forever, when Postgres is away.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
