import type { CompleteResult, TranscribeResult } from '@voxq/contracts';
import type { Provenance } from '../routing-headers';

/** Which provider and model answered, how many failed first, and the scores run that ranked them (`null` when none). */
export const provenanceOf = (r: Provenance) => ({ provider: r.provider, model: r.model, failoverCount: r.failoverCount, scoresRunId: r.scoresRunId ?? null });

/**
 * The seed's transcribe answer; `confidence` is null from providers that give none (the SDK's
 * `number | null`). `unusedParams` (voxq's) names `keywords` the provider that ran did not take.
 */
export const transcribeView = (r: TranscribeResult) => ({
  text: r.text,
  ...provenanceOf(r),
  confidence: r.confidence ?? null,
  ...(r.unusedParams?.length ? { unusedParams: r.unusedParams } : {}),
});

/** The seed's `CompleteResult`. */
export const completeView = (r: CompleteResult) => ({
  text: r.text,
  ...provenanceOf(r),
  usage: { promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens },
  ...(r.toolCalls?.length ? { toolCalls: r.toolCalls } : {}),
});
