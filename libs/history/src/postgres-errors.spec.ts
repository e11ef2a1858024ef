import { describe, expect, it } from 'vitest';
import { AppError, errors } from '@voxq/errors';
import { historyBug, historyCall, isPostgresUnavailable, toHistoryError } from './postgres-errors';

const pgError = (code: unknown, message = 'boom') => Object.assign(new Error(message), { code });

describe('isPostgresUnavailable', () => {
  it('knows every socket failure of a connection that cannot reach its server', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
      expect(isPostgresUnavailable(pgError(code)), code).toBe(true);
    expect(isPostgresUnavailable(pgError('EACCES'))).toBe(false);
  });

  it('knows the SQLSTATEs that say "not now": connection exceptions, shutdown and start-up, too many connections, lost races', () => {
    for (const code of ['08000', '08006', '08P01', '57P01', '57P02', '57P03', '53300', '40001', '40P01'])
      expect(isPostgresUnavailable(pgError(code)), code).toBe(true);
    // Near misses: the class or code must be the whole SQLSTATE.
    for (const code of ['57P04', '53200', '40002', '0800', 'X08006', '080061', '140001', '400011', '22P05', '42P01', '23505'])
      expect(isPostgresUnavailable(pgError(code)), code).toBe(false);
  });

  it("knows pg's own words for a connection lost or never had, at the start of its message only", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ])
      expect(isPostgresUnavailable(new Error(message)), message).toBe(true);
    for (const message of [
      'column "Connection terminated" does not exist',
      'a timeout exceeded when trying to connect',
      'the Client has encountered a connection error',
    ])
      expect(isPostgresUnavailable(new Error(message)), message).toBe(false);
  });

  it('says no to what is not an error object, and to a code or message of another type', () => {
    for (const value of [null, undefined, 'ECONNREFUSED', 42, true]) expect(isPostgresUnavailable(value)).toBe(false);
    expect(isPostgresUnavailable({ code: 40001 })).toBe(false);
    expect(isPostgresUnavailable({ message: ['Connection terminated'] })).toBe(false);
    expect(isPostgresUnavailable({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isPostgresUnavailable({ message: 'Connection terminated' })).toBe(true);
  });
});

describe('toHistoryError', () => {
  it('reads "Postgres is away or busy" as a retryable service_unavailable that keeps the cause', () => {
    const error = pgError('ECONNREFUSED');
    const mapped = toHistoryError(error);
    expect(mapped).toMatchObject({ code: 'service_unavailable', type: 'api_error', retryable: true, status: 503 });
    expect(mapped.message).toBe('The history database cannot be reached right now.');
    expect(mapped.cause).toBe(error);
  });

  it('reads a statement Postgres refused as a mistake no retry mends: internal_error, not retryable', () => {
    const error = pgError('42P01', 'relation "jobs" does not exist');
    const mapped = toHistoryError(error);
    expect(mapped).toMatchObject({ code: 'internal_error', type: 'api_error', retryable: false, status: 500 });
    expect(mapped.message).toBe('history database error: relation "jobs" does not exist');
    expect(mapped.cause).toBe(error);
    expect(toHistoryError('a string').message).toBe('history database error: a string');
  });

  it('passes AppErrors through', () => {
    const error = errors.notFound('job', 'job_x');
    expect(toHistoryError(error)).toBe(error);
  });
});

describe('historyBug', () => {
  it('is an internal_error that is not retryable, with its message and cause', () => {
    const cause = new Error('why');
    const bug = historyBug('history: no time in this id', cause);
    expect(bug).toBeInstanceOf(AppError);
    expect(bug).toMatchObject({ code: 'internal_error', type: 'api_error', retryable: false, message: 'history: no time in this id', cause });
  });
});

describe('historyCall', () => {
  it("gives the work's value, or its failure as the taxonomy reads it", async () => {
    await expect(historyCall(async () => 7)).resolves.toBe(7);
    await expect(
      historyCall(async () => {
        throw pgError('57P01');
      }),
    ).rejects.toMatchObject({ code: 'service_unavailable', retryable: true });
  });
});
