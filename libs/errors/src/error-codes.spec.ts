import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from './app-error';
import { ERROR_CODE_NAMES, ERROR_CODES, isErrorCode } from './error-codes';
import { errors } from './errors';

describe('ERROR_CODES', () => {
  it('gives each constructor the status and flags of its code', () => {
    const made = [
      errors.unsupportedMediaType('m'),
      errors.payloadTooLarge('m'),
      errors.unauthenticated(),
      errors.notFound('job', 'j'),
      errors.routeNotFound('GET', '/x'),
      errors.rateLimited('m', 1),
      errors.allowanceExhausted('m'),
      errors.providerUnavailable('p', 'm'),
      errors.providerMisconfigured('p', 'm'),
      errors.providerRejectedInput('p', 'm'),
      errors.providersBusy('m', Date.now()),
      errors.noProvider('m'),
      errors.cancelled(),
      errors.internal('m'),
      errors.unavailable('m'),
      toAppError(new Error('boom')),
    ];
    for (const error of made) {
      const spec = ERROR_CODES[error.code];
      expect({ code: error.code, status: error.status, retryable: error.retryable, failover: error.failover }).toEqual({ code: error.code, ...spec });
    }
  });

  it('keeps the statuses the API has always answered with', () => {
    expect(errors.notFound('drop rule', 'r')).toMatchObject({ code: 'drop rule_not_found', status: 404 });
    expect(errors.conflict('job_not_cancellable', 'm')).toMatchObject({ status: 409, retryable: false });
    expect(errors.invalidRequest('m', 'p', 'input_expired')).toMatchObject({ status: 400, param: 'p' });
  });

  it('defaults an AppError status to its code', () => {
    expect(new AppError({ code: 'storage_unavailable', type: 'api_error', message: 'm' }).status).toBe(503);
    expect(new AppError({ code: 'internal_error', type: 'api_error', message: 'm', status: 502 }).status).toBe(502);
  });

  it('knows its codes and nothing else', () => {
    expect(ERROR_CODE_NAMES).toContain('all_providers_failed');
    expect(isErrorCode('job_cancelled')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('made_up')).toBe(false);
  });
});
