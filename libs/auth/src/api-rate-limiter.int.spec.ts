import { afterAll, describe, expect, it } from 'vitest';
import { createCommandConnection } from '@voxq/queues';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { ApiRateLimiter } from './api-rate-limiter';

describe('ApiRateLimiter (real Redis)', () => {
  const config = testConfig();
  // The API's own kind of connection: auto-pipelined.
  const redis = createCommandConnection(config.redis);
  afterAll(async () => {
    await cleanupPrefix(config);
    redis.disconnect();
  });

  it('counts a first request that shares its pipeline with another command', async () => {
    const limiter = new ApiRateLimiter(redis, config.redis.prefix, { perSecond: 2, burst: 0 });
    await redis.ping();
    // Same tick: the GET opens the auto-pipeline the limiter's first count joins. Had the
    // limiter defined its command only now, that count would fail and the pipeline's reply
    // would throw an uncaught TypeError (vitest fails the run on it).
    const [, first] = await Promise.all([redis.get(`${config.redis.prefix}:probe`), limiter.consume({ tenantId: 't', keyId: 'k1' })]);
    expect(first).toMatchObject({ allowed: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
});
