import { describe, expect, it } from 'vitest';
import { errorFromAnswer, errorFromFetchFailure, errorFromHttpStatus, httpErrorMessage, type ErrorReader } from './upstream-errors';

/** What a status means for the job: retry and fail over, fail over only, or fail at once. */
const UNAVAILABLE = { code: 'provider_unavailable', retryable: true, failover: true };
const MISCONFIGURED = { code: 'provider_misconfigured', retryable: false, failover: true };
const REJECTED = { code: 'provider_rejected_input', retryable: false, failover: false };

describe('errorFromHttpStatus', () => {
  it.each([
    [408, UNAVAILABLE],
    [409, UNAVAILABLE],
    [425, UNAVAILABLE],
    [429, UNAVAILABLE],
    [500, UNAVAILABLE],
    [502, UNAVAILABLE],
    [503, UNAVAILABLE],
    [529, UNAVAILABLE],
    [599, UNAVAILABLE],
    [401, MISCONFIGURED],
    [402, MISCONFIGURED],
    [403, MISCONFIGURED],
    [404, MISCONFIGURED],
    [405, MISCONFIGURED],
    [410, MISCONFIGURED],
    [499, MISCONFIGURED],
    [400, REJECTED],
    [413, REJECTED],
    [422, REJECTED],
  ])('maps HTTP %i to %o', (status, expected) => {
    expect(errorFromHttpStatus('openai', status, `HTTP ${status}`, null)).toMatchObject({ ...expected, message: `openai: HTTP ${status}` });
  });

  it("keeps the upstream's Retry-After on a busy answer only", () => {
    expect(errorFromHttpStatus('openai', 429, 'HTTP 429', '7').retryAfterSeconds).toBe(7);
    expect(errorFromHttpStatus('openai', 503, 'HTTP 503', null).retryAfterSeconds).toBeUndefined();
    expect(errorFromHttpStatus('openai', 400, 'HTTP 400', '7').retryAfterSeconds).toBeUndefined();
  });
});

describe('httpErrorMessage', () => {
  it("quotes the upstream's own words, else an excerpt of the body, else just the status", () => {
    expect(httpErrorMessage(400, 'model is required', '{"error":{}}')).toBe('HTTP 400: model is required');
    expect(httpErrorMessage(502, undefined, '<html>\n  <body>Bad   gateway</body>\n</html>')).toBe('HTTP 502: <html> <body>Bad gateway</body> </html>');
    expect(httpErrorMessage(502, undefined, 'x'.repeat(250))).toBe(`HTTP 502: ${'x'.repeat(200)}…`);
    expect(httpErrorMessage(503, undefined, '   ')).toBe('HTTP 503');
    expect(httpErrorMessage(503, '', 'ignored body')).toBe('HTTP 503');
  });

  it('masks a key the upstream quotes back, since the message reaches the tenant', () => {
    const message = httpErrorMessage(401, 'Incorrect API key provided: sk-abcdefghijklmnopqrstuvwx', '');
    expect(message).toBe('HTTP 401: Incorrect API key provided: sk-[redacted]');
  });
});

describe('errorFromAnswer', () => {
  const reader =
    (reading: ReturnType<ErrorReader>): ErrorReader =>
    () =>
      reading;

  it("maps by status with the vendor's words in the message", () => {
    expect(errorFromAnswer('groq', 503, '{}', '3', reader({ words: 'overloaded' }))).toMatchObject({
      ...UNAVAILABLE,
      message: 'groq: HTTP 503: overloaded',
      retryAfterSeconds: 3,
    });
    expect(errorFromAnswer('groq', 400, 'plain text body', null, reader(undefined))).toMatchObject({ ...REJECTED, message: 'groq: HTTP 400: plain text body' });
  });

  it('trusts an envelope naming our configuration on a 4xx, never on a 5xx', () => {
    expect(errorFromAnswer('elevenlabs', 400, '{}', null, reader({ words: 'voice_not_found', misconfigured: true }))).toMatchObject(MISCONFIGURED);
    expect(errorFromAnswer('elevenlabs', 499, '{}', null, reader({ misconfigured: true }))).toMatchObject(MISCONFIGURED);
    expect(errorFromAnswer('elevenlabs', 500, '{}', null, reader({ misconfigured: true }))).toMatchObject(UNAVAILABLE);
    expect(errorFromAnswer('elevenlabs', 400, '{}', null, reader({ misconfigured: false }))).toMatchObject(REJECTED);
  });
});

describe('errorFromFetchFailure', () => {
  const live = new AbortController().signal;

  it('reads a timeout as the upstream being unavailable and a cancel as the job cancelled', () => {
    expect(errorFromFetchFailure('openai', new Error('aborted'), AbortSignal.abort(new DOMException('late', 'TimeoutError')))).toMatchObject({
      ...UNAVAILABLE,
      message: 'openai: timed out',
    });
    expect(errorFromFetchFailure('openai', new Error('aborted'), AbortSignal.abort())).toMatchObject({ code: 'job_cancelled' });
  });

  it("names the socket error fetch wraps as its cause, else the error's own code or message", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = new TypeError('fetch failed', { cause: refused });
    expect(errorFromFetchFailure('openai', wrapped, live)).toMatchObject({
      ...UNAVAILABLE,
      message: 'openai: connection failed (ECONNREFUSED)',
      cause: wrapped,
    });
    expect(errorFromFetchFailure('openai', refused, live).message).toBe('openai: connection failed (ECONNREFUSED)');
    expect(errorFromFetchFailure('openai', new Error('other side closed'), live).message).toBe('openai: connection failed (other side closed)');
    const numericCode = Object.assign(new Error('odd'), { code: 42 });
    expect(errorFromFetchFailure('openai', numericCode, live).message).toBe('openai: connection failed (odd)');
    expect(errorFromFetchFailure('openai', new TypeError('fetch failed', { cause: 'not an Error' }), live).message).toBe(
      'openai: connection failed (fetch failed)',
    );
    expect(errorFromFetchFailure('openai', 'a string', live).message).toBe('openai: connection failed (a string)');
  });
});
