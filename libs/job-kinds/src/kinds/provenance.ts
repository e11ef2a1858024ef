import type { RoutedResult } from '@voxq/providers';

/**
 * The routing fields every result carries (seed 000): which provider and model served the
 * job, how many failed before it (and how), and the ranking that chose it. `model` is what the
 * provider reported, when it did, else what the router asked for.
 */
export function provenance(routed: RoutedResult<unknown>, reportedModel: string | undefined) {
  return {
    provider: routed.provider,
    model: reportedModel || routed.model,
    failoverCount: routed.failoverCount,
    scoresRunId: routed.scoresRunId,
    providerAttempts: routed.attempts,
  };
}
