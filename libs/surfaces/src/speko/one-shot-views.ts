import type { CompleteResult, TranscribeResult } from '@voxq/contracts';
import type { Provenance } from '../routing-headers';

export const provenanceOf = (r: Provenance) => ({ provider: r.provider, model: r.model, failoverCount: r.failoverCount, scoresRunId: r.scoresRunId });

/** The seed's transcribe answer. */
export const transcribeView = (r: TranscribeResult) => ({
  text: r.text,
  ...provenanceOf(r),
  ...(r.confidence === undefined ? {} : { confidence: r.confidence }),
});

/** The seed's `CompleteResult`. */
export const completeView = (r: CompleteResult) => ({
  text: r.text,
  ...provenanceOf(r),
  usage: { promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens },
  ...(r.toolCalls?.length ? { toolCalls: r.toolCalls } : {}),
});
