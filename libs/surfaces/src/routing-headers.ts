import type { CompleteResult, JobView, SynthesizeResult, TranscribeResult } from '@voxq/contracts';

/** What ran a job: every one-shot result carries it. */
export type Provenance = Pick<CompleteResult, 'provider' | 'model' | 'failoverCount' | 'scoresRunId'>;

/** Parameters the job set that what ran did not honour (a synthesize or transcribe result's `unusedParams`). */
type UnusedParams = Partial<Pick<SynthesizeResult, 'unusedParams'>> | Partial<Pick<TranscribeResult, 'unusedParams'>>;

/** The routing headers every one-shot answer carries (seed 000: "tell you which provider ran"). */
export function routingHeaders(job: JobView, r: Provenance & UnusedParams): Record<string, string> {
  return {
    'X-Speko-Provider': r.provider,
    'X-Speko-Model': r.model,
    'X-Speko-Failover-Count': String(r.failoverCount),
    ...(r.scoresRunId ? { 'X-Speko-Scores-Run-Id': r.scoresRunId } : {}),
    'X-Voxq-Job-Id': job.id,
    // Accepted but not sent (`instructions` on a model without them, `keywords` on pocketsphinx): said, never dropped silently.
    ...(r.unusedParams?.length ? { 'X-Voxq-Unused-Params': r.unusedParams.join(', ') } : {}),
  };
}
