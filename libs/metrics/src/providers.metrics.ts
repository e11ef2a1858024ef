import { Counter } from 'prom-client';
import { metricsRegistry } from './registry';

const errors = new Counter({
  name: 'voxq_provider_errors_total',
  help: 'Failed provider calls by capability, provider and error code (the AppError code: provider_unavailable, provider_rejected_input, …).',
  labelNames: ['capability', 'provider', 'code'] as const,
  registers: [metricsRegistry],
});

const failovers = new Counter({
  name: 'voxq_provider_failovers_total',
  help: 'Provider calls made because an earlier candidate of the same attempt failed, by capability and the provider failed over to.',
  labelNames: ['capability', 'provider'] as const,
  registers: [metricsRegistry],
});

const cooldowns = new Counter({
  name: 'voxq_provider_cooldowns_total',
  help: 'Providers taken out of rotation, by capability, provider and reason: rate_limited (a Retry-After) or breaker_open (the circuit breaker opened).',
  labelNames: ['capability', 'provider', 'reason'] as const,
  registers: [metricsRegistry],
});

export function recordProviderError(capability: string, provider: string, code: string): void {
  errors.inc({ capability, provider, code });
}

export function recordProviderFailover(capability: string, provider: string): void {
  failovers.inc({ capability, provider });
}

/** `key`: the provider's `capability:name` key (how cooldowns and breakers are stored). */
export function recordProviderCooldown(key: string, reason: 'rate_limited' | 'breaker_open'): void {
  const at = key.indexOf(':');
  cooldowns.inc({ capability: key.slice(0, at), provider: key.slice(at + 1), reason });
}
