import { describe, expect, it } from 'vitest';
import { AppError, errors } from '@voxq/errors';
import { isPostgresUnavailable, toHistoryError } from './postgres-errors';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('toHistoryError', () => {
  it('reads "Postgres is away or busy" as a retryable service_unavailable', () => {
    const transient = [
      pgError('ECONNREFUSED'),
      pgError('ECONNRESET'),
      pgError('08006'),
      pgError('57P01'),
      pgError('57P03'),
      pgError('53300'),
      pgError('40001'),
      pgError('40P01'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const error of transient) {
      expect(isPostgresUnavailable(error)).toBe(true);
      const mapped = toHistoryError(error);
      expect(mapped).toMatchObject({ code: 'service_unavailable', retryable: true, status: 503 });
      expect(mapped.cause).toBe(error);
    }
  });

  it('reads a statement Postgres refused as our bug: internal_error, not retryable', () => {
    for (const error of [pgError('42P01', 'relation "jobs" does not exist'), pgError('23505'), new Error('plain'), 'a string']) {
      expect(isPostgresUnavailable(error)).toBe(false);
      expect(toHistoryError(error)).toMatchObject({ code: 'internal_error', retryable: false });
    }
    expect(toHistoryError(pgError('42P01', 'relation "jobs" does not exist')).message).toContain('relation "jobs" does not exist');
  });

  it('passes AppErrors through', () => {
    const error = errors.notFound('job', 'job_x');
    expect(toHistoryError(error)).toBe(error);
    expect(toHistoryError(error)).toBeInstanceOf(AppError);
  });
});
