import type { Router } from 'express';
import { jobRequestSchema, type ImageResult } from '@voxq/contracts';
import { parseOrThrow, type Submission } from '@voxq/intake';
import { imagesRequest, imagesRequestSchema, imagesResponse, routingHeaders } from '@voxq/surfaces';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { syncResult, type OneShotDeps, type OneShotRouteDeps } from './one-shot';

/**
 * `POST /v1/images/generations` (OpenAI's shape): an `image` job, waited for like the other
 * OpenAI routes (as long as the SDK does), or 202 with the job for `Prefer: respond-async`.
 * The images are in S3: the answer reads them back as `b64_json`, or gives presigned URLs
 * (valid `S3_PRESIGN_TTL_SECONDS`), as `response_format` asks; its default is the model's
 * (URLs for DALL·E, base64 for the GPT image models).
 */
export function openAiImageRoutes(
  router: Router,
  deps: OneShotRouteDeps,
  /** The OpenAI routes' wait (`API_OPENAI_WAIT_MS`), as `openAiRoutes` made it. */
  oneShot: OneShotDeps,
): void {
  router.post('/v1/images/generations', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(imagesRequestSchema, req.body);
    const { request, format } = imagesRequest(deps.providers, body);
    const submission = parseOrThrow(jobRequestSchema, request) as Submission;
    const done = await syncResult<ImageResult>(oneShot, req, res, submission);
    if (!done) return;
    const { job, result } = done;
    const answer = await imagesResponse(job, format, {
      objects: deps.objects,
      tenantId: principalOf(req).tenantId,
      urlTtlSeconds: deps.config.s3.presignTtlSeconds,
    });
    res.set(routingHeaders(job, result));
    res.json(answer);
  });
}
