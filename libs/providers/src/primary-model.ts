import type { Capability, Constraints, RoutingIntent } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { selectCandidates } from './candidates';
import { resolveModel, type ResolvedModel } from './model-names';
import type { Provider } from './provider';
import type { ProviderRuntime } from './provider-runtime';
import type { ScoredCandidate } from './scoring';

/** What a job names as its primary model, with the routing it must fit. */
export interface PrimaryModelRequest {
  /** As the job named it: a model id, a `provider/model` pair or an alias. */
  name: string;
  intent: RoutingIntent;
  constraints: Constraints;
}

/**
 * The provider and model a job's `model` names, to be tried first. Unlike a pin
 * (`constraints.models`), the other candidates stay, each with its own model, so a model meant
 * for one vendor is never sent to another. A name no configured provider serves is a 404
 * `model_not_found`; one whose provider the job's own routing rules out (its
 * `allowedProviders`, its language) is a 400 naming `model`: never a silent substitute.
 */
export function resolvePrimaryModel<C extends Capability>(runtime: ProviderRuntime, capability: C, request: PrimaryModelRequest): ResolvedModel<C> {
  const resolved = resolveModel(runtime, capability, request.name);
  const selection = selectCandidates([resolved.provider], capability, request.intent, request.constraints);
  const excluded = selection.excluded[0];
  if (excluded) {
    throw errors.invalidRequest(
      `model: '${request.name}' is served by ${resolved.provider.name}, which this job rules out (${excluded.reason}); nothing was queued.`,
      'model',
    );
  }
  return resolved;
}

/** The ranking with the primary provider first, calling the primary model; the others keep their order and models. */
export function withPrimaryFirst<P extends Provider>(
  ranked: ReadonlyArray<ScoredCandidate<P>>,
  primary: { provider: { name: string }; model: string },
): Array<ScoredCandidate<P>> {
  const index = ranked.findIndex((c) => c.provider.name === primary.provider.name);
  const first = ranked[index];
  if (!first) return [...ranked];
  const rest = ranked.filter((_, i) => i !== index);
  return [{ ...first, model: primary.model, reason: `the job's model; ${first.reason}` }, ...rest].map((c, i) => ({ ...c, rank: i + 1 }));
}
