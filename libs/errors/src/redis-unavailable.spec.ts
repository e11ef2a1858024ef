import { describe, expect, it } from 'vitest';
import { errors } from './errors';
import { isRedisUnavailable } from './redis-unavailable';

/** Errors as ioredis and BullMQ make them (names, messages and codes as they are thrown). */
const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const socket = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code, syscall: 'connect' });

describe('isRedisUnavailable', () => {
  it('recognises what ioredis and BullMQ throw and emit while Redis is away', () => {
    for (const error of [
      named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.'),
      new Error('Connection is closed.'),
      named('ConnectionClosedError', 'Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
      new Error('Too many Cluster redirections. Last error: ReplyError: MOVED 11859 127.0.0.1:7001'),
      Object.assign(new Error('CLUSTERDOWN The cluster is down'), { name: 'ReplyError' }),
      new Error("Cluster isn't ready and enableOfflineQueue options is false"),
      socket('ECONNREFUSED'),
      socket('ECONNRESET'),
      errors.redisUnavailable(),
      errors.internal('wrapped', new Error('Connection is closed.')),
    ]) {
      expect(isRedisUnavailable(error), error.message).toBe(true);
    }
  });

  it('leaves other errors alone, and a socket errno under another wrapper (S3 and providers map theirs)', () => {
    for (const error of [
      new Error('boom'),
      Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' }),
      new TypeError('fetch failed', { cause: socket('ECONNREFUSED') }),
      errors.unavailable('The address of url host could not be looked up right now; try again.'),
      null,
      'Connection is closed.',
    ]) {
      expect(isRedisUnavailable(error)).toBe(false);
    }
  });

  it('is a retryable 503 with Retry-After', () => {
    const error = errors.redisUnavailable();
    expect(error).toMatchObject({ code: 'service_unavailable', status: 503, retryable: true });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('survives a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isRedisUnavailable(a)).toBe(false);
  });
});
