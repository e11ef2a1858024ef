export { HistoryStore } from './history-store';
export type { HistoryStoreOptions, WriteOutcome } from './history-store';
export type { JobListOptions } from './job-history';
export type { AttemptLogToWrite, DeliveryListOptions, DeliveryWithEvent } from './delivery-history';
export {
  historicAttemptSchema,
  historicBatchSchema,
  historicDeliverySchema,
  historicScoresRunSchema,
  type HistoricAttempt,
  type HistoricBatch,
  type HistoricDelivery,
  type HistoricJob,
  type HistoricScoresRun,
  type HistoryPage,
} from './history-rows';
export { appliedMigrations, migrate } from './migrator';
export { HISTORY_MIGRATIONS, type Migration } from './migrations';
export { HISTORY_TABLES, listPartitions, maintainPartitions, type HistoryTable, type MaintenanceReport, type PartitionPolicy } from './partitions';
export { createPostgresPool, type PostgresPoolOptions } from './postgres-pool';
export { isPostgresUnavailable, toHistoryError } from './postgres-errors';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
export { timeOfId } from './record-time';
export { openHistoryTier, type HistoryTier } from './history-tier';
