import { describe, expect, it } from 'vitest';
import { AppError, isAppError, toAppError } from './app-error';

describe('AppError', () => {
  it('takes its status from its code unless told, and defaults both flags to false', () => {
    const error = new AppError({ code: 'provider_unavailable', type: 'provider_error', message: 'm' });
    expect(error).toMatchObject({ name: 'AppError', code: 'provider_unavailable', type: 'provider_error', status: 502, retryable: false, failover: false });
    expect(error.param).toBeUndefined();
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.retryAt).toBeUndefined();
    expect(error.cause).toBeUndefined();
    // No own `cause` at all, so a logger does not print an empty one.
    expect(Object.hasOwn(error, 'cause')).toBe(false);
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps every option it is given', () => {
    const cause = new Error('root');
    const error = new AppError({
      code: 'internal_error',
      type: 'api_error',
      message: 'm',
      status: 418,
      retryable: true,
      failover: true,
      param: 'input.url',
      retryAfterSeconds: 3,
      retryAt: 42,
      cause,
    });
    expect(error).toMatchObject({ message: 'm', status: 418, retryable: true, failover: true, param: 'input.url', retryAfterSeconds: 3, retryAt: 42, cause });
  });

  it('serialises to what a failed job and its webhook carry, param only when set', () => {
    const withParam = new AppError({ code: 'invalid_request', type: 'invalid_request_error', message: 'Bad.', param: 'input.text', retryable: false });
    expect(withParam.toJSON()).toEqual({ type: 'invalid_request_error', code: 'invalid_request', message: 'Bad.', param: 'input.text', retryable: false });
    const retryable = new AppError({ code: 'service_unavailable', type: 'api_error', message: 'Later.', retryable: true });
    expect(retryable.toJSON()).toEqual({ type: 'api_error', code: 'service_unavailable', message: 'Later.', retryable: true });
    expect(JSON.parse(JSON.stringify(retryable))).toEqual(retryable.toJSON());
  });
});

describe('isAppError', () => {
  it('is true only for AppErrors', () => {
    expect(isAppError(new AppError({ code: 'internal_error', type: 'api_error', message: 'm' }))).toBe(true);
    expect(isAppError(new Error('m'))).toBe(false);
    expect(isAppError({ code: 'internal_error' })).toBe(false);
  });
});

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError({ code: 'job_cancelled', type: 'invalid_request_error', message: 'm' });
    expect(toAppError(error)).toBe(error);
  });

  it('wraps anything else as an internal, retryable error that keeps its cause', () => {
    const thrown = new TypeError('x is undefined');
    expect(toAppError(thrown)).toMatchObject({
      code: 'internal_error',
      type: 'api_error',
      status: 500,
      retryable: true,
      failover: false,
      message: 'Internal error: x is undefined',
      cause: thrown,
    });
    expect(toAppError('plain string')).toMatchObject({ message: 'Internal error: plain string', cause: 'plain string' });
    expect(toAppError({ message: 'not an Error' }).message).toBe('Internal error: [object Object]');
  });
});
