import { describe, expect, it } from 'vitest';
import { errorFromFetchFailure, errorFromStatus } from './errors';

const envelope = (message: string) => JSON.stringify({ error: { message, type: 'x', code: null } });

describe('errorFromStatus', () => {
  it.each([
    [408, 'provider_unavailable', true, true],
    [409, 'provider_unavailable', true, true],
    [429, 'provider_unavailable', true, true],
    [500, 'provider_unavailable', true, true],
    [502, 'provider_unavailable', true, true],
    [503, 'provider_unavailable', true, true],
    [401, 'provider_misconfigured', false, true],
    [403, 'provider_misconfigured', false, true],
    [404, 'provider_misconfigured', false, true],
    [400, 'provider_rejected_input', false, false],
    [422, 'provider_rejected_input', false, false],
  ])('maps HTTP %d to %s (retryable %s, failover %s)', (status, code, retryable, failover) => {
    const error = errorFromStatus('openai', status, envelope('upstream says no'), null);
    expect(error).toMatchObject({ code, retryable, failover });
    expect(error.message).toBe(`openai: HTTP ${status}: upstream says no`);
  });

  it('passes Retry-After seconds on a 429', () => {
    expect(errorFromStatus('openai', 429, envelope('slow down'), '7').retryAfterSeconds).toBe(7);
  });

  it('quotes a non-JSON body briefly', () => {
    const error = errorFromStatus('groq', 502, '<html>Bad gateway</html>', null);
    expect(error.message).toBe('groq: HTTP 502: <html>Bad gateway</html>');
  });
});

describe('errorFromFetchFailure', () => {
  it('maps a connection error to provider_unavailable with the socket code', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = errorFromFetchFailure('openai', new TypeError('fetch failed', { cause }), new AbortController().signal);
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true, failover: true, message: 'openai: connection failed (ECONNREFUSED)' });
  });

  it('maps a timeout to provider_unavailable and a cancel to job_cancelled', () => {
    const timedOut = AbortSignal.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(errorFromFetchFailure('openai', new Error('aborted'), timedOut)).toMatchObject({ code: 'provider_unavailable', failover: true });
    const cancelled = AbortSignal.abort();
    expect(errorFromFetchFailure('openai', new Error('aborted'), cancelled)).toMatchObject({ code: 'job_cancelled', failover: false });
  });
});
