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
      // An embedding provider's models by name, with the vector lengths `dimensions` is checked against;
      // an image provider's, with the parameters each takes.
      ...(provider.capability === 'embedding' || provider.capability === 'image' ? { models: provider.models } : {}),
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
 * When voxq's catalog dates its models (OpenAI's `created`, unix seconds): a model is
 * whatever its provider serves under that name, so there is no release date of ours to give.
 */
export const MODEL_CATALOG_CREATED = 1_735_689_600;

/**
 * `GET /v1/models` (seed 004's catalog): every configured model, then the config file's
 * aliases; with `recommended_for` only that capability's models, best first for a
 * balanced English intent. A model served by the simulator says so (`simulated`).
 */
export function listModels(runtime: ProviderRuntime, recommendedFor?: Capability) {
  const models = configuredModels(runtime, recommendedFor);
  if (recommendedFor) return models;
  const aliases = Object.entries(runtime.registry.aliases).flatMap(([alias, target]) => {
    const entry = models.find((m) => m.id === target || `${m.owned_by}/${m.id}` === target);
    return entry ? [{ ...entry, id: alias, alias_for: `${entry.owned_by}/${entry.id}` }] : [];
  });
  return [...models, ...aliases];
}

function configuredModels(runtime: ProviderRuntime, recommendedFor?: Capability) {
  const capabilities = recommendedFor ? [recommendedFor] : CAPABILITIES;
  const intent: RoutingIntent = { language: 'en', optimizeFor: 'balanced' };
  return capabilities.flatMap((capability) => {
    const providers: Provider[] = runtime.registry.list(capability);
    const candidates = providers.map((provider, i) => ({ provider, model: provider.defaultModel, rank: i + 1, reason: '' }));
    return scoreCandidates(candidates, intent, (p) => runtime.health.get(providerKey(p))).flatMap((c) =>
      modelsOf(c.provider).map(({ id, dimensions }) => ({
        id,
        object: 'model' as const,
        created: MODEL_CATALOG_CREATED,
        owned_by: c.provider.name,
        capability,
        languages: c.provider.languages,
        ...(c.provider.simulated ? { simulated: true as const } : {}),
        ...(dimensions === undefined ? {} : { dimensions }),
        ...(recommendedFor ? { rank: c.rank, score: c.score } : {}),
      })),
    );
  });
}

/** The models a provider answers to by name: its default, and a speech provider's other `speechModels`. */
export function namedModels(provider: Pick<Provider, 'defaultModel' | 'profile'>): string[] {
  return [provider.defaultModel, ...(provider.profile?.speechModels ?? []).filter((m) => m !== provider.defaultModel)];
}

/**
 * The models a provider answers to by name: its default, and for an embedding or image
 * provider every model it knows the limits of, an embedding model with its vector length.
 */
function modelsOf(provider: Provider): Array<{ id: string; dimensions?: number }> {
  if (provider.capability === 'image')
    return [provider.defaultModel, ...Object.keys(provider.models).filter((name) => name !== provider.defaultModel)].map((id) => ({ id }));
  if (provider.capability !== 'embedding') return namedModels(provider).map((id) => ({ id }));
  const names = [provider.defaultModel, ...Object.keys(provider.models).filter((name) => name !== provider.defaultModel)];
  return names.map((id) => {
    const spec = provider.models[id];
    return spec ? { id, dimensions: spec.maxDimensions } : { id };
  });
}
