import historyTables from './0001-history-tables.sql';
import jobInputs from './0002-job-inputs.sql';

/** One schema change: applied once per database, in `version` order, each in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration of the history tier, oldest first. Append only: an applied migration is
 * never edited (databases that ran it would not run it again); a change is a new file.
 */
export const HISTORY_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'history-tables', sql: historyTables },
  { version: 2, name: 'job-inputs', sql: jobInputs },
];
