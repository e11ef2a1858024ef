import type { Capability, Constraints } from '@voxq/contracts';
import { listModels, type ProviderRuntime } from '@voxq/providers';

/** A `model` naming a configured provider's model pins that provider and model; any other is ignored. */
export function pinModel(runtime: ProviderRuntime, capability: Capability, model: string | undefined): Constraints {
  if (!model) return {};
  const entry = listModels(runtime, capability).find((m) => m.id === model);
  if (!entry) return {};
  return { allowedProviders: { [capability]: [entry.owned_by] }, models: { [capability]: model } };
}
