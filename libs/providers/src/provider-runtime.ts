import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { ProviderHealth } from './health/provider-health';
import { ProviderLimiter } from './health/provider-limits';
import { ProviderStates } from './health/provider-states';
import type { Provider } from './provider';
import { createProviderRegistry, type ProviderRegistry } from './registry';

/** `capability:name`: how health, cooldowns and breakers are keyed (one vendor, several capabilities). */
export const providerKey = (provider: Pick<Provider, 'capability' | 'name'>) => `${provider.capability}:${provider.name}`;

/**
 * Everything the router and the catalog share in one process: the configured providers,
 * their live health, their cooldown/breaker state and their limits, all backed by Redis so
 * every process sees the same.
 */
export interface ProviderRuntime {
  registry: ProviderRegistry;
  health: ProviderHealth;
  states: ProviderStates;
  limiter: ProviderLimiter;
  close(): Promise<void>;
}

export function createProviderRuntime(config: Config, redis: RedisClient, logger: Logger, registry = createProviderRegistry(config, logger)): ProviderRuntime {
  const keys = registry.all().map(providerKey);
  const { prefix } = config.redis;
  const { providers } = config;
  const health = new ProviderHealth(redis, prefix, keys);
  const states = new ProviderStates(redis, prefix, keys, { ...providers.breaker, probeMs: providers.timeoutMs + 5_000 });
  const limits = Object.fromEntries(Object.entries(providers.overrides).map(([name, o]) => [name, o.limits]));
  const limiter = new ProviderLimiter(redis, prefix, limits, providers.timeoutMs + 30_000);
  return {
    registry,
    health,
    states,
    limiter,
    async close() {
      states.close();
      await health.close();
    },
  };
}
