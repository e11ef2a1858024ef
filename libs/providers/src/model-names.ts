import type { Capability } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { listModels, namedModels } from './catalog';
import type { Provider, ProviderOf } from './provider';
import type { ProviderRuntime } from './provider-runtime';

/** A model a request named, as the provider that serves it and the model id to send. */
export interface ResolvedModel<C extends Capability = Capability> {
  provider: ProviderOf<C>;
  model: string;
}

/**
 * The configured model a request's `model` names: a model id (`gpt-4o-mini`), a
 * `provider/model` pair, or an alias from the config file that points at either. Anything
 * else is OpenAI's 404 `model_not_found`: never a silent fall back to some other model.
 */
export function resolveModel<C extends Capability>(runtime: Pick<ProviderRuntime, 'registry'>, capability: C, name: string): ResolvedModel<C> {
  const target = runtime.registry.aliases[name] ?? name;
  const providers = runtime.registry.list(capability);
  const byId = providers.find((p) => servesModel(p, target));
  if (byId) return { provider: byId, model: target };
  const slash = target.indexOf('/');
  const model = target.slice(slash + 1);
  const byPair = slash > 0 ? providers.find((p) => p.name === target.slice(0, slash) && servesModel(p, model)) : undefined;
  if (!byPair) throw errors.modelNotFound(name);
  return { provider: byPair, model };
}

/** Whether the provider answers to `model` by name: an image provider to each model it knows the parameters of, too. */
export const servesModel = (provider: Provider, model: string) =>
  namedModels(provider).includes(model) || (provider.capability === 'image' && Object.hasOwn(provider.models, model));

/**
 * `GET /v1/models/{id}`: OpenAI's Model object (with voxq's fields) for any name a request
 * may use (an id, an alias, a `provider/model` pair), or 404 `model_not_found`.
 */
export function retrieveModel(runtime: ProviderRuntime, id: string) {
  const models = listModels(runtime);
  const entry = models.find((m) => m.id === id) ?? models.find((m) => !('alias_for' in m) && `${m.owned_by}/${m.id}` === id);
  if (!entry) throw errors.modelNotFound(id);
  return { ...entry, id };
}
