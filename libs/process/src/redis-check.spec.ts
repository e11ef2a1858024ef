import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from './redis-check';

describe('redactRedisUrl', () => {
  it('masks the user and password', () => {
    expect(redactRedisUrl('redis://default:s3cret@redis.internal:6380/2')).toBe('redis://***@redis.internal:6380/2');
    expect(redactRedisUrl('rediss://:s3cret@redis.internal:6380')).toBe('rediss://***@redis.internal:6380');
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
