import { describe, expect, it } from 'vitest';
import { AppError } from './app-error';
import { errors, REDIS_RETRY_AFTER_SECONDS } from './errors';
import { REDIS_UNAVAILABLE_MESSAGE } from './redis-unavailable';

const cause = new Error('socket hang up');

/**
 * What each constructor must make: clients match on code and type, workers act on the flags.
 * Each error is made inside its test, so a constructor that throws fails that test.
 */
const CASES: Array<[string, () => AppError, Partial<AppError> & { message: string }]> = [
  [
    'invalidRequest',
    () => errors.invalidRequest('Bad field.', 'input.text'),
    { code: 'invalid_request', type: 'invalid_request_error', status: 400, retryable: false, failover: false, param: 'input.text', message: 'Bad field.' },
  ],
  [
    'invalidRequest with its own code',
    () => errors.invalidRequest('Bad key.', 'key', 'invalid_object_key'),
    { code: 'invalid_object_key', type: 'invalid_request_error', status: 400, param: 'key', message: 'Bad key.' },
  ],
  [
    'unsupportedMediaType',
    () => errors.unsupportedMediaType('Send JSON.'),
    { code: 'unsupported_media_type', type: 'invalid_request_error', status: 415, retryable: false, failover: false, message: 'Send JSON.' },
  ],
  [
    'payloadTooLarge',
    () => errors.payloadTooLarge('Too big.'),
    { code: 'payload_too_large', type: 'invalid_request_error', status: 413, retryable: false, message: 'Too big.' },
  ],
  [
    'unauthenticated',
    () => errors.unauthenticated(),
    {
      code: 'invalid_api_key',
      type: 'authentication_error',
      status: 401,
      retryable: false,
      message: 'Missing or invalid API key. Send `Authorization: Bearer <key>`.',
    },
  ],
  ['unauthenticated with a message', () => errors.unauthenticated('Revoked.'), { code: 'invalid_api_key', message: 'Revoked.' }],
  [
    'notFound',
    () => errors.notFound('job', 'job_1'),
    { code: 'job_not_found', type: 'not_found_error', status: 404, retryable: false, message: "No job with id 'job_1'." },
  ],
  [
    'modelNotFound',
    () => errors.modelNotFound('gpt-x'),
    {
      code: 'model_not_found',
      type: 'invalid_request_error',
      status: 404,
      param: 'model',
      message: "The model 'gpt-x' does not exist or you do not have access to it. GET /v1/models lists the configured models and aliases.",
    },
  ],
  [
    'routeNotFound',
    () => errors.routeNotFound('GET', '/v1/nope'),
    { code: 'route_not_found', type: 'not_found_error', status: 404, message: 'No route GET /v1/nope.' },
  ],
  [
    'conflict',
    () => errors.conflict('job_not_cancellable', 'Already done.'),
    { code: 'job_not_cancellable', type: 'conflict_error', status: 409, retryable: false, failover: false, message: 'Already done.' },
  ],
  [
    'rateLimited',
    () => errors.rateLimited('Slow down.', 2.2),
    { code: 'rate_limit_exceeded', type: 'rate_limit_error', status: 429, retryable: true, failover: false, retryAfterSeconds: 3, message: 'Slow down.' },
  ],
  [
    'tooManySessions',
    () => errors.tooManySessions(10, 10),
    {
      code: 'too_many_sessions',
      type: 'rate_limit_error',
      status: 429,
      retryable: true,
      failover: false,
      retryAfterSeconds: 5,
      message: 'This tenant has 10 realtime sessions open, the most it may hold at once (10); close one and try again.',
    },
  ],
  [
    'upgradeRequired',
    () => errors.upgradeRequired('/v1/realtime'),
    {
      code: 'upgrade_required',
      type: 'invalid_request_error',
      status: 426,
      retryable: false,
      failover: false,
      message: '/v1/realtime is a WebSocket: open it with a WebSocket client (Connection: Upgrade, Upgrade: websocket).',
    },
  ],
  [
    'allowanceExhausted',
    () => errors.allowanceExhausted('No jobs left.'),
    { code: 'allowance_exhausted', type: 'permission_error', status: 402, retryable: false, failover: false, message: 'No jobs left.' },
  ],
  [
    'providerUnavailable',
    () => errors.providerUnavailable('openai', 'HTTP 503', cause, 7),
    {
      code: 'provider_unavailable',
      type: 'provider_error',
      status: 502,
      retryable: true,
      failover: true,
      retryAfterSeconds: 7,
      message: 'openai: HTTP 503',
      cause,
    },
  ],
  [
    'providerMisconfigured',
    () => errors.providerMisconfigured('deepgram', 'HTTP 401', cause),
    { code: 'provider_misconfigured', type: 'provider_error', status: 502, retryable: false, failover: true, message: 'deepgram: HTTP 401', cause },
  ],
  [
    'providerRejectedInput',
    () => errors.providerRejectedInput('anthropic', 'HTTP 400', cause),
    { code: 'provider_rejected_input', type: 'invalid_request_error', status: 400, retryable: false, failover: false, message: 'anthropic: HTTP 400', cause },
  ],
  [
    'providersBusy',
    () => errors.providersBusy('All cooling down.', 1_700_000_000_000),
    { code: 'providers_busy', type: 'provider_error', status: 503, retryable: true, failover: false, retryAt: 1_700_000_000_000, message: 'All cooling down.' },
  ],
  [
    'noProvider',
    () => errors.noProvider('None serves fr.'),
    { code: 'no_provider_available', type: 'invalid_request_error', status: 400, retryable: false, failover: false, message: 'None serves fr.' },
  ],
  [
    'cancelled',
    () => errors.cancelled(),
    { code: 'job_cancelled', type: 'invalid_request_error', status: 409, retryable: false, message: 'The job was cancelled.' },
  ],
  ['cancelled with a message', () => errors.cancelled('Stopped by its batch.'), { code: 'job_cancelled', message: 'Stopped by its batch.' }],
  [
    'jobWaitTimeout',
    () => errors.jobWaitTimeout('job_1', 'active', 29_600),
    {
      code: 'job_wait_timeout',
      type: 'api_error',
      status: 504,
      retryable: true,
      message: 'Job job_1 is still active after 30 s; it goes on: poll GET /v1/jobs/job_1.',
    },
  ],
  [
    'streamInterrupted',
    () => errors.streamInterrupted('job_1', 'openai', 'socket closed'),
    {
      code: 'stream_interrupted',
      type: 'api_error',
      status: 502,
      retryable: true,
      failover: false,
      message:
        'The reply from openai stopped after part of it was sent (socket closed). The job goes on with another provider or attempt; its whole result will be at GET /v1/jobs/job_1.',
    },
  ],
  [
    'internal',
    () => errors.internal('Broke.', cause),
    { code: 'internal_error', type: 'api_error', status: 500, retryable: true, failover: false, message: 'Broke.', cause },
  ],
  [
    'unavailable',
    () => errors.unavailable('Later.', cause),
    { code: 'service_unavailable', type: 'api_error', status: 503, retryable: true, failover: false, message: 'Later.', cause },
  ],
  [
    'redisUnavailable',
    () => errors.redisUnavailable(cause),
    {
      code: 'service_unavailable',
      type: 'api_error',
      status: 503,
      retryable: true,
      retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS,
      message: REDIS_UNAVAILABLE_MESSAGE,
      cause,
    },
  ],
];

describe('errors', () => {
  it.each(CASES)('%s makes the error its callers rely on', (_name, make, expected) => {
    const error = make();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject(expected);
  });

  it('leaves param unset unless given one', () => {
    expect(errors.invalidRequest('Bad.').param).toBeUndefined();
    expect(errors.invalidRequest('Bad.', '').param).toBeUndefined();
    expect(Object.keys(errors.invalidRequest('Bad.').toJSON())).not.toContain('param');
  });

  it('waits at least one whole second after a rate limit', () => {
    expect(errors.rateLimited('m', 0).retryAfterSeconds).toBe(1);
    expect(errors.rateLimited('m', 0.2).retryAfterSeconds).toBe(1);
    expect(errors.rateLimited('m', 1).retryAfterSeconds).toBe(1);
    expect(errors.rateLimited('m', 1.01).retryAfterSeconds).toBe(2);
  });

  it("keeps an upstream's Retry-After only when it sent one", () => {
    const without = errors.providerUnavailable('p', 'm');
    expect(without.retryAfterSeconds).toBeUndefined();
    expect(without.cause).toBeUndefined();
    expect(errors.providerUnavailable('p', 'm', undefined, 0).retryAfterSeconds).toBe(0);
  });

  it('tells Redis-away clients to wait a few seconds, about an ioredis reconnect', () => {
    expect(REDIS_RETRY_AFTER_SECONDS).toBe(5);
    expect(errors.redisUnavailable().cause).toBeUndefined();
  });
});
