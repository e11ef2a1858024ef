import type { Router } from 'express';
import { jobRequestSchema, type EmbedResult } from '@voxq/contracts';
import { parseOrThrow, type Submission } from '@voxq/intake';
import { embeddingsList, embeddingsRequest, embeddingsRequestSchema, routingHeaders } from '@voxq/surfaces';
import { jsonBody } from '../middleware/job-body';
import { syncResult, type OneShotDeps, type OneShotRouteDeps } from './one-shot';

/**
 * `POST /v1/embeddings` (OpenAI's shape): an `embed` job, waited for like the other OpenAI
 * routes (as long as the SDK does). `encoding_format: base64` (what the official SDKs ask for by default, and decode)
 * is little-endian float32, as OpenAI sends it; absent, the vectors are number arrays.
 */
export function openAiEmbeddingRoutes(
  router: Router,
  deps: OneShotRouteDeps,
  /** The OpenAI routes' wait (`API_OPENAI_WAIT_MS`), as `openAiRoutes` made it. */
  oneShot: OneShotDeps,
): void {
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
