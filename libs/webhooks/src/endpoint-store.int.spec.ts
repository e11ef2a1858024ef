import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '@voxq/errors';
import { createRedisConnection } from '@voxq/queues';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { MAX_ENDPOINTS_PER_TENANT, WebhookEndpointStore } from './endpoint-store';

describe('WebhookEndpointStore.create', () => {
  const config = testConfig();
  const redis = createRedisConnection(config.redis);
  const store = new WebhookEndpointStore(redis, config.redis.prefix, 0);

  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  it('holds the per-tenant limit when many creates race', async () => {
    const input = { url: 'https://93.184.216.34/hook', events: [], description: null, enabled: true };
    // The fuzz suite's burst of 30 concurrent `POST /v1/webhooks` registered 21 endpoints.
    const results = await Promise.allSettled(Array.from({ length: MAX_ENDPOINTS_PER_TENANT * 2 }, () => store.create('race', input)));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(results.length - refused.length).toBe(MAX_ENDPOINTS_PER_TENANT);
    expect(refused.every((e) => isAppError(e) && e.code === 'too_many_webhook_endpoints')).toBe(true);
    expect(await store.list('race')).toHaveLength(MAX_ENDPOINTS_PER_TENANT);
  });
});
