import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { WebhookDeliveryStore } from './delivery-store';
import { WebhookEndpointStore } from './endpoint-store';
import type { UrlPolicy } from '@voxq/url-guard';

/** Returns the tenant's current webhook secret, or null when it has none. */
export type SecretLookup = (tenantId: string) => Promise<string | null>;

/**
 * Everything the delivery units use. Each unit takes the `Pick` it needs, so a test builds
 * only that (real RedisClient, a real receiver) and the units stay apart.
 */
export interface DeliveryDeps {
  /** A plain command connection for the records, the delivery log and the dead-letter list. */
  redis: RedisClient;
  prefix: string;
  /** How long delivery records, logs and events live (`JOB_RETENTION_SECONDS`). */
  retentionSeconds: number;
  deliveries: WebhookDeliveryStore;
  endpoints: WebhookEndpointStore;
  policy: UrlPolicy;
  /** One request's whole budget (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** `WEBHOOK_RETRY_SCHEDULE`, and the most a receiver's `Retry-After` may lengthen a wait. */
  schedule: readonly number[];
  retryAfterMaxMs: number;
  /** The tenant's secret, which signs deliveries to a job's own `webhook.url`. */
  secretFor: SecretLookup;
  logger: Logger;
}

export interface DeliveryWiring {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  secretFor: SecretLookup;
  /** The process's endpoint store (made here when not given). */
  endpoints?: WebhookEndpointStore;
}

export function deliveryDeps({ config, logger, redis, secretFor, endpoints }: DeliveryWiring): DeliveryDeps {
  const prefix = config.redis.prefix;
  return {
    redis,
    prefix,
    retentionSeconds: config.jobs.retentionSeconds,
    // With a history tier, the deliveries it finishes wait for the worker's mover (it reads no history itself).
    deliveries: new WebhookDeliveryStore(redis, prefix, config.jobs.retentionSeconds, { toHistory: config.postgres.url !== undefined }),
    endpoints: endpoints ?? new WebhookEndpointStore(redis, prefix),
    policy: { allowPrivateNetworks: config.webhooks.allowPrivateNetworks, allowHttp: config.webhooks.allowHttp },
    timeoutMs: config.webhooks.timeoutMs,
    schedule: config.webhooks.retryScheduleMs,
    retryAfterMaxMs: config.webhooks.retryAfterMaxMs,
    secretFor,
    logger,
  };
}
