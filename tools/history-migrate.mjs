// Migrates the history database and makes its partitions: `npm run history:migrate`.
// The apps do the same at start; this is for a deployment that migrates as its own step
// (a Kubernetes Job before the rollout, say). Reads POSTGRES_URL and the HISTORY_* settings
// as the apps do (.env is not read: set them in the environment).
import { importLibs } from './lib/import-libs.mjs';

const { loadConfig, createPostgresPool, HistoryStore, migrate, appliedMigrations } = await importLibs(
  'history-migrate',
  `export { loadConfig } from '@voxq/config';
   export { createPostgresPool, HistoryStore, migrate, appliedMigrations } from '@voxq/history';`,
);

const config = loadConfig();
if (!config.postgres.url) {
  console.error('history:migrate: set POSTGRES_URL to the history database to migrate');
  process.exit(2);
}
const pool = createPostgresPool({ url: config.postgres.url, max: 1 });
try {
  const applied = await migrate(pool);
  const report = await new HistoryStore(pool, config.history).maintain();
  console.log(
    `history:migrate: applied ${applied.length ? applied.join(', ') : 'nothing new'} (at version ${(await appliedMigrations(pool)).at(-1)}); ` +
      `partitions made ${report.created.length}, dropped ${report.dropped.length}`,
  );
} finally {
  await pool.end();
}
