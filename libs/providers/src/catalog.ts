import { CAPABILITIES, type Capability, type RoutingIntent } from '@voxq/contracts';
import type { Provider } from './provider';
import { providerKey, type ProviderRuntime } from './provider-runtime';
import { scoreCandidates, UNKNOWN_PROFILE } from './scoring';

/** `GET /v1/providers`: each configured provider with its catalog entry, health and state. */
export function describeProviders(runtime: ProviderRuntime) {
  return runtime.registry.all().map((provider) => {
    const key = providerKey(provider);
    const health = runtime.health.get(key);
    return {
      id: provider.name,
      object: 'provider' as const,
      capability: provider.capability,
      defaultModel: provider.defaultModel,
      languages: provider.languages,
      profile: provider.profile ?? UNKNOWN_PROFILE,
      limits: runtime.limiter.limitsOf(provider.name),
      health: {
        windowSeconds: 60,
        calls: health?.calls ?? 0,
        errorRate: health?.errorRate ?? 0,
        latencyMs: health?.latencyMs === null || health?.latencyMs === undefined ? null : Math.round(health.latencyMs),
      },
      ...runtime.states.view(key),
    };
  });
}

/**
 * `GET /v1/models` (seed 004's catalog): every configured model, and with
 * `recommended_for` only that capability's, best first for a balanced English intent.
 */
export function listModels(runtime: ProviderRuntime, recommendedFor?: Capability) {
  const capabilities = recommendedFor ? [recommendedFor] : CAPABILITIES;
  const intent: RoutingIntent = { language: 'en', optimizeFor: 'balanced' };
  return capabilities.flatMap((capability) => {
    const providers: Provider[] = runtime.registry.list(capability);
    const candidates = providers.map((provider, i) => ({ provider, model: provider.defaultModel, rank: i + 1, reason: '' }));
    return scoreCandidates(candidates, intent, (p) => runtime.health.get(providerKey(p))).map((c) => ({
      id: c.model,
      object: 'model' as const,
      owned_by: c.provider.name,
      capability,
      languages: c.provider.languages,
      ...(recommendedFor ? { rank: c.rank, score: c.score } : {}),
    }));
  });
}
