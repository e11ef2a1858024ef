import { AppError, errors } from '@voxq/errors';

/** Socket failures of a connection that cannot reach (or lost) its server. */
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * SQLSTATEs that say "not now" rather than "never": connection exceptions (class 08), a server
 * shutting down or starting (57P01-57P03), too many connections (53300), and transactions
 * that lost a race (40001 serialization failure, 40P01 deadlock).
 */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;

/** What pg says when the server went away mid-query or the pool gave up waiting. */
const TRANSIENT_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /^Client has encountered a connection error/];

/** Whether a pg error says Postgres cannot serve us right now (worth a retry), not that the query is wrong. */
export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERRNO.has(code) || TRANSIENT_SQLSTATE.test(code))) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The error taxonomy's reading of a pg error: retryable `service_unavailable` when Postgres is
 * down or busy (the mover keeps the records in Redis and tries again); anything else is a
 * statement Postgres refused (a bug of ours, a row that breaks a constraint, a database not
 * migrated), an `internal_error` marked not retryable. AppErrors pass through.
 */
export function toHistoryError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isPostgresUnavailable(error)) return errors.unavailable('The history database cannot be reached right now.', error);
  return historyBug(`history database error: ${error instanceof Error ? error.message : String(error)}`, error);
}

/**
 * A mistake that trying again cannot mend (a statement Postgres refused, a record without a
 * time-ordered id): an `internal_error` marked not retryable, unlike `errors.internal`, which
 * is for failures of unknown kind.
 */
export function historyBug(message: string, cause?: unknown): AppError {
  return new AppError({ code: 'internal_error', type: 'api_error', message, retryable: false, cause });
}

/** Runs a history query, its errors mapped by `toHistoryError`. */
export async function historyCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHistoryError(error);
  }
}
