import { describe, expect, it } from 'vitest';
import { errorFromStatus } from './errors';

const structured = (code: string | null, message: string) => JSON.stringify({ error_code: code, title: 'T', message, request_id: 'r' });

describe('cartesia errorFromStatus', () => {
  it.each([
    [401, 'provider_misconfigured', false, true],
    [402, 'provider_misconfigured', false, true],
    [403, 'provider_misconfigured', false, true],
    [400, 'provider_rejected_input', false, false],
    [422, 'provider_rejected_input', false, false],
    [429, 'provider_unavailable', true, true],
    [500, 'provider_unavailable', true, true],
    [503, 'provider_unavailable', true, true],
  ])('maps HTTP %d to %s (retryable %s, failover %s)', (status, code, retryable, failover) => {
    expect(errorFromStatus('cartesia', status, structured(null, 'no'), null)).toMatchObject({ code, retryable, failover });
  });

  it('quotes the structured error, the older { error } or a plain-text body', () => {
    expect(errorFromStatus('cartesia', 429, structured('concurrency_limited', 'Over your plan limit.'), null).message).toBe(
      'cartesia: HTTP 429: concurrency_limited: Over your plan limit.',
    );
    expect(errorFromStatus('cartesia', 400, JSON.stringify({ error: 'invalid voice id' }), null).message).toBe('cartesia: HTTP 400: invalid voice id');
    expect(errorFromStatus('cartesia', 401, 'Unauthorized: Invalid API key', null).message).toBe('cartesia: HTTP 401: Unauthorized: Invalid API key');
  });

  it('passes Retry-After seconds on a 429', () => {
    expect(errorFromStatus('cartesia', 429, structured('concurrency_limited', 'x'), '5').retryAfterSeconds).toBe(5);
  });
});
