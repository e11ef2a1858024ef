import { describe, expect, it } from 'vitest';
import { errorFromFetchFailure, errorFromStatus } from './errors';

const envelope = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });

describe('errorFromStatus', () => {
  it.each([
    [429, 'rate_limit_error', 'provider_unavailable', true, true],
    [500, 'api_error', 'provider_unavailable', true, true],
    [529, 'overloaded_error', 'provider_unavailable', true, true],
    [401, 'authentication_error', 'provider_misconfigured', false, true],
    [402, 'billing_error', 'provider_misconfigured', false, true],
    [403, 'permission_error', 'provider_misconfigured', false, true],
    [404, 'not_found_error', 'provider_misconfigured', false, true],
    [400, 'invalid_request_error', 'provider_rejected_input', false, false],
    [413, 'request_too_large', 'provider_rejected_input', false, false],
  ])('maps HTTP %d (%s) to %s (retryable %s, failover %s)', (status, type, code, retryable, failover) => {
    const error = errorFromStatus('anthropic', status, envelope(type, 'upstream says no'), null);
    expect(error).toMatchObject({ code, retryable, failover });
    expect(error.message).toBe(`anthropic: HTTP ${status}: ${type}: upstream says no`);
  });

  it('passes Retry-After seconds on a 429 and a 529', () => {
    expect(errorFromStatus('anthropic', 429, envelope('rate_limit_error', 'slow down'), '7').retryAfterSeconds).toBe(7);
    expect(errorFromStatus('anthropic', 529, envelope('overloaded_error', 'Overloaded'), '3').retryAfterSeconds).toBe(3);
  });

  it('quotes a non-JSON body briefly, and says only the status for an empty one', () => {
    expect(errorFromStatus('anthropic', 502, '<html>Bad gateway</html>', null).message).toBe('anthropic: HTTP 502: <html>Bad gateway</html>');
    expect(errorFromStatus('anthropic', 503, '', null).message).toBe('anthropic: HTTP 503');
  });
});

describe('errorFromFetchFailure', () => {
  it('maps a connection error to provider_unavailable with the socket code', () => {
    const error = errorFromFetchFailure('anthropic', Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }), new AbortController().signal);
    expect(error).toMatchObject({ code: 'provider_unavailable', failover: true, message: 'anthropic: connection failed (UND_ERR_SOCKET)' });
  });
});
