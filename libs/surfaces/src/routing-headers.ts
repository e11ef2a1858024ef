import type { CompleteResult, JobView } from '@voxq/contracts';

/** What ran a job: every one-shot result carries it. */
export type Provenance = Pick<CompleteResult, 'provider' | 'model' | 'failoverCount' | 'scoresRunId'>;

/** The routing headers every one-shot answer carries (seed 000: "tell you which provider ran"). */
export function routingHeaders(job: JobView, r: Provenance): Record<string, string> {
  return {
    'X-Speko-Provider': r.provider,
    'X-Speko-Model': r.model,
    'X-Speko-Failover-Count': String(r.failoverCount),
    ...(r.scoresRunId ? { 'X-Speko-Scores-Run-Id': r.scoresRunId } : {}),
    'X-Voxq-Job-Id': job.id,
  };
}
