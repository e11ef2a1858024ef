import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { createRedisConnection, type WebhookDelivery } from '@voxq/queues';
import { deliveryDeps, type DeliveryDeps } from './delivery-deps';
import { buildJobEvent } from './events';
import { jobViewFixture } from './job-view.fixture';

export const TENANT = 'tenant_units';

/**
 * Real deps of the delivery units for a test's config (its fresh prefix, real RedisClient);
 * `close` disconnects and `cleanup` (the testing lib's `cleanupPrefix`) empties the prefix.
 */
export function unitDeps(
  config: Config,
  cleanup: (config: Config) => Promise<void>,
  secrets: Record<string, string> = {},
): { deps: DeliveryDeps; redis: RedisClient; close(): Promise<void> } {
  const redis = createRedisConnection(config.redis);
  const deps = deliveryDeps({ config, logger: createLogger({ name: 'test', level: 'silent' }), redis, secretFor: async (id) => secrets[id] ?? null });
  return { deps, redis, close: async () => (await cleanup(config), redis.disconnect()) };
}

/** A `job.completed` delivery to `url` (fields as the fan-out queues them). */
export function deliveryTo(url: string, extra: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return { tenantId: TENANT, url, event: buildJobEvent('job.completed', jobViewFixture({ webhook: { url } })), ...extra };
}
