import type { Router } from 'express';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { jobRequestSchema, type EmbedResult } from '@voxq/contracts';
import { parseOrThrow, type JobService, type JobWaiter, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import { embeddingsList, embeddingsRequest, embeddingsRequestSchema, routingHeaders } from '@voxq/surfaces';
import { jsonBody } from '../middleware/job-body';
import { syncResult, type OneShotDeps } from './one-shot';

/**
 * `POST /v1/embeddings` (OpenAI's shape): an `embed` job, waited for like the other OpenAI
 * routes (as long as the SDK does). `encoding_format: base64` (what the official SDKs ask for by default, and decode)
 * is little-endian float32, as OpenAI sends it; absent, the vectors are number arrays.
 */
export function openAiEmbeddingRoutes(
  router: Router,
  deps: { config: Config; logger: Logger; jobs: JobService; objects: ObjectStore; waiter: JobWaiter; providers: ProviderRuntime },
): void {
  const oneShot: OneShotDeps = { jobs: deps.jobs, waiter: () => deps.waiter, syncWaitMs: deps.config.api.openAiWaitMs, logger: deps.logger };

  router.post('/v1/embeddings', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(embeddingsRequestSchema, req.body);
    const submission = parseOrThrow(jobRequestSchema, embeddingsRequest(deps.providers, body)) as Submission;
    const done = await syncResult<EmbedResult>(oneShot, req, res, submission);
    if (!done) return;
    const { job, result } = done;
    res.set(routingHeaders(job, result));
    res.json(embeddingsList(result, body.encoding_format ?? 'float'));
  });
}
