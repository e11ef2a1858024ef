import type { Capability, Constraints } from '@voxq/contracts';
import { resolveModel, type ProviderRuntime } from '@voxq/providers';

/**
 * A `model` naming a configured model, a `provider/model` pair or an alias pins that
 * provider and model; any other is 404 `model_not_found` (never a silent substitute).
 */
export function pinModel(runtime: ProviderRuntime, capability: Capability, model: string | undefined): Constraints {
  if (!model) return {};
  const { provider, model: id } = resolveModel(runtime, capability, model);
  return { allowedProviders: { [capability]: [provider.name] }, models: { [capability]: id } };
}
