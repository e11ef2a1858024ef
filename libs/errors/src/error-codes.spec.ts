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

// The flags decide what workers do with a failure (retry it, fail over, or fail the job at
// once): pinned here, so flipping one is a deliberate change to this list too.
describe('ERROR_CODES flags', () => {
  const codes = Object.entries(ERROR_CODES);
  const withFlag = (flag: 'retryable' | 'failover') =>
    codes
      .filter(([, spec]) => spec[flag])
      .map(([code]) => code)
      .sort();

  it('gives every code an HTTP error status', () => {
    for (const [code, spec] of codes) expect([code, Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599]).toEqual([code, true]);
  });

  it('fails over only when the upstream itself is the problem', () => {
    expect(withFlag('failover')).toEqual(['provider_misconfigured', 'provider_unavailable']);
  });

  it('retries only what may succeed later', () => {
    expect(withFlag('retryable')).toEqual(
      [
        'all_providers_failed',
        'internal_error',
        'job_wait_timeout',
        'provider_unavailable',
        'providers_busy',
        'rate_limit_exceeded',
        'request_timeout',
        'service_unavailable',
        'storage_unavailable',
        'stream_interrupted',
        'too_many_sessions',
      ].sort(),
    );
  });

  it('never retries a 4xx but a timeout or a rate limit', () => {
    const retryable4xx = codes.filter(([, spec]) => spec.status < 500 && spec.retryable).map(([, spec]) => spec.status);
    expect(retryable4xx.sort()).toEqual([408, 429, 429]);
  });
});
