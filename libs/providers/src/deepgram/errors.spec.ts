import { describe, expect, it } from 'vitest';
import { errorFromStatus } from './errors';

const envelope = (code: string, message: string) => JSON.stringify({ err_code: code, err_msg: message, request_id: 'req-1' });

describe('deepgram errorFromStatus', () => {
  it.each([
    [400, 'provider_rejected_input', false, false],
    [401, 'provider_misconfigured', false, true],
    [402, 'provider_misconfigured', false, true],
    [403, 'provider_misconfigured', false, true],
    [404, 'provider_misconfigured', false, true],
    [429, 'provider_unavailable', true, true],
    [500, 'provider_unavailable', true, true],
    [503, 'provider_unavailable', true, true],
  ])('maps HTTP %d to %s (retryable %s, failover %s)', (status, code, retryable, failover) => {
    expect(errorFromStatus('deepgram', status, envelope('X', 'no'), null)).toMatchObject({ code, retryable, failover });
  });

  it("quotes Deepgram's message with its request id, the older envelope, or a plain body", () => {
    expect(errorFromStatus('deepgram', 401, envelope('INVALID_AUTH', 'Invalid credentials.'), null).message).toBe(
      'deepgram: HTTP 401: Invalid credentials. (request req-1)',
    );
    const older = JSON.stringify({ category: 'INVALID_QUERY_PARAMETER', message: 'Bad query', details: 'unknown model' });
    expect(errorFromStatus('deepgram', 400, older, null).message).toBe('deepgram: HTTP 400: Bad query: unknown model');
    expect(errorFromStatus('deepgram', 502, '<html>Bad gateway</html>', null).message).toBe('deepgram: HTTP 502: <html>Bad gateway</html>');
  });

  it('passes Retry-After seconds on a 429', () => {
    expect(errorFromStatus('deepgram', 429, envelope('TOO_MANY_REQUESTS', 'slow down'), '6').retryAfterSeconds).toBe(6);
  });
});
