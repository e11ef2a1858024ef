import type { Pool } from 'pg';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { HistoryStore } from './history-store';
import { migrate } from './migrator';
import { createPostgresPool } from './postgres-pool';

/** A process's history tier: its pool, its store, and its start and end. */
export interface HistoryTier {
  readonly store: HistoryStore;
  readonly pool: Pool;
  /** Applies the migrations this version has and the database lacks (every process may: one at a time applies each). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The history tier `POSTGRES_URL` names, or null when none is configured (finished records then expire in Redis). */
export function openHistoryTier(config: Pick<Config, 'postgres' | 'history'>, logger: Logger): HistoryTier | null {
  if (!config.postgres.url) return null;
  const pool = createPostgresPool({
    url: config.postgres.url,
    max: config.postgres.poolMax,
    onIdleError: (err) => logger.warn({ err: { message: err.message } }, 'history database connection lost; reconnecting on next use'),
  });
  const store = new HistoryStore(pool, { retentionDays: config.history.retentionDays, partitionsAheadDays: config.history.partitionsAheadDays });
  let ended: Promise<void> | null = null;
  return {
    store,
    pool,
    async migrate() {
      const applied = await migrate(pool);
      if (applied.length > 0) logger.info({ versions: applied }, 'history database migrated');
    },
    close() {
      ended ??= pool.end();
      return ended;
    },
  };
}
