import { describe, expect, it } from 'vitest';
import { errorFromStatus } from './errors';

const detail = (status: string, message: string) => JSON.stringify({ detail: { status, message } });

describe('elevenlabs errorFromStatus', () => {
  it.each([
    [401, detail('invalid_api_key', 'Invalid API key'), 'provider_misconfigured', false, true],
    [401, detail('quota_exceeded', 'This request exceeds your quota.'), 'provider_misconfigured', false, true],
    [403, detail('missing_permissions', 'The API key lacks text_to_speech'), 'provider_misconfigured', false, true],
    [400, detail('voice_not_found', 'A voice with voice_id x was not found.'), 'provider_misconfigured', false, true],
    [404, detail('voice_not_found', 'A voice with voice_id x was not found.'), 'provider_misconfigured', false, true],
    [400, detail('max_character_limit_exceeded', 'Text too long.'), 'provider_rejected_input', false, false],
    [422, JSON.stringify({ detail: [{ loc: ['body', 'text'], msg: 'Field required', type: 'missing' }] }), 'provider_rejected_input', false, false],
    [429, detail('too_many_concurrent_requests', 'Too many concurrent requests.'), 'provider_unavailable', true, true],
    [429, detail('system_busy', 'We are experiencing heavy traffic.'), 'provider_unavailable', true, true],
    [500, detail('internal_server_error', 'Oops'), 'provider_unavailable', true, true],
    [503, '<html>Service Unavailable</html>', 'provider_unavailable', true, true],
  ])('maps HTTP %d %s to %s (retryable %s, failover %s)', (status, body, code, retryable, failover) => {
    expect(errorFromStatus('elevenlabs', status, body, null)).toMatchObject({ code, retryable, failover });
  });

  it("quotes ElevenLabs' code and message, each validation issue, or the raw body", () => {
    expect(errorFromStatus('elevenlabs', 401, detail('invalid_api_key', 'Invalid API key'), null).message).toBe(
      'elevenlabs: HTTP 401: invalid_api_key: Invalid API key',
    );
    const issues = JSON.stringify({ detail: [{ loc: ['body', 'text'], msg: 'Field required' }, { msg: 'Bad speed' }] });
    expect(errorFromStatus('elevenlabs', 422, issues, null).message).toBe('elevenlabs: HTTP 422: body.text: Field required; Bad speed');
    expect(errorFromStatus('elevenlabs', 502, 'Bad gateway', null).message).toBe('elevenlabs: HTTP 502: Bad gateway');
  });

  it('passes Retry-After seconds on a 429', () => {
    expect(errorFromStatus('elevenlabs', 429, detail('too_many_concurrent_requests', 'x'), '4').retryAfterSeconds).toBe(4);
  });
});
