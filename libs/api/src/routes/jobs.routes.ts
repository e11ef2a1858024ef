import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '@voxq/config';
import {
  constraintsSchema,
  getJobQuerySchema,
  jobBatchRequestSchema,
  jobIncludesOf,
  jobOptionsSchema,
  listJobsQuerySchema,
  metadataSchema,
  routingIntentSchema,
  MAX_IMAGES_PER_JOB,
  type ImageResult,
  type TranscribeInput,
} from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { JOB_ID_PATTERN } from '@voxq/job-store';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import { principalOf } from '../middleware/authenticate';
import { jobBody, jsonBody } from '../middleware/job-body';
import { idempotencyKeyOf, jsonHeader } from '../middleware/request-headers';
import { type JobService, jsonSubmission, parseOrThrow, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import { checkChatParams, checkImageJob, checkSynthesizeJob } from '@voxq/surfaces';

/** `/v1/jobs/:id/result/images/:index`: which of the job's pictures. */
const imageIndexSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_IMAGES_PER_JOB - 1);

/** A transcribe job whose audio is the request body; everything else rides in headers. */
function binarySubmission(req: Request): Submission {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw errors.invalidRequest('The audio body is empty.', 'body');
  const webhookUrl = req.header('x-voxq-webhook-url');
  const options = parseOrThrow(jobOptionsSchema, {
    intent: parseOrThrow(routingIntentSchema, jsonHeader(req, 'x-voxq-intent') ?? {}, 'x-voxq-intent'),
    constraints: parseOrThrow(constraintsSchema, jsonHeader(req, 'x-voxq-constraints') ?? {}, 'x-voxq-constraints'),
    metadata: parseOrThrow(metadataSchema, jsonHeader(req, 'x-voxq-metadata') ?? {}, 'x-voxq-metadata'),
    ...(webhookUrl === undefined ? {} : { webhook: { url: webhookUrl } }),
  });
  return { ...options, type: 'transcribe', input: { audio: { data: req.body, contentType: req.header('content-type')! } } };
}

/** Streams an object of voxq's bucket as the answer (never buffered here); a missing one is `missing()`. */
async function sendObject(objects: ObjectStore, key: string, res: Response, missing: () => Error): Promise<void> {
  const { body, object } = await objects.getStream({ key }).catch((error: unknown) => {
    throw (error as { status?: number }).status === 404 ? missing() : error;
  });
  res.setHeader('Content-Type', object.contentType);
  res.setHeader('Content-Length', String(object.size));
  if (object.etag) res.setHeader('ETag', object.etag);
  // A client that goes away mid-download ends the S3 stream too (pipeline destroys both).
  await pipeline(body, res).catch(() => undefined);
}

function jobIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!JOB_ID_PATTERN.test(id)) throw errors.notFound('job', id);
  return id;
}

export function jobsRoutes(deps: { config: Config; jobs: JobService; objects: ObjectStore; providers: ProviderRuntime }): Router {
  const router = Router();
  /**
   * A chat parameter no configured provider honours is a 400 naming it (`input.logitBias`), and a
   * speech `model` none serves a 404 (`input.model`; `checkSynthesizeJob`), and an image parameter
   * no provider's model takes a 400 naming it (`input.style`; `checkImageJob`), before anything is queued.
   */
  const checked = (submission: Submission, root = '') => {
    if (submission.type === 'complete') checkChatParams(deps.providers, submission, (param) => `${root}input.${param}`);
    if (submission.type === 'synthesize') checkSynthesizeJob(deps.providers, submission, (field) => `${root}input.${field}`);
    if (submission.type === 'image') checkImageJob(deps.providers, submission, (param) => `${root}input.${param}`);
    return submission;
  };

  router.post('/v1/jobs', jobBody(deps.config), async (req, res) => {
    const submission = Buffer.isBuffer(req.body) ? binarySubmission(req) : checked(jsonSubmission(req.body));
    const { view, replayed } = await deps.jobs.submit(principalOf(req), submission, idempotencyKeyOf(req), { requestId: req.id });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(`/v1/jobs/${view.id}`).json(view);
  });

  /** Many jobs in one request: `{jobs: [<job request>, ...]}`, validated all or nothing. */
  router.post('/v1/jobs\\:batch', jsonBody(deps.config), async (req, res) => {
    const { jobs } = parseOrThrow(jobBatchRequestSchema, req.body);
    const submissions = jobs.map((job, i) => checked(jsonSubmission(job, `jobs.${i}`), `jobs.${i}.`));
    const key = idempotencyKeyOf(req);
    const submitted = await deps.jobs.submitMany(principalOf(req), submissions, key === undefined ? undefined : submissions.map((_, i) => `${key}#${i}`), {
      requestId: req.id,
    });
    res.status(202).json({ object: 'list', data: submitted.map((s) => s.view) });
  });

  router.get('/v1/jobs', async (req, res) => {
    const query = parseOrThrow(listJobsQuerySchema, req.query, 'query');
    res.json(await deps.jobs.list(principalOf(req), query));
  });

  router.get('/v1/jobs/:id', async (req, res) => {
    const query = parseOrThrow(getJobQuerySchema, req.query, 'query');
    res.json(await deps.jobs.get(principalOf(req), jobIdOf(req), { include: jobIncludesOf(query.include) }));
  });

  router.delete('/v1/jobs/:id', async (req, res) => {
    res.json(await deps.jobs.cancel(principalOf(req), jobIdOf(req)));
  });

  /**
   * The result itself: synthesize audio streamed from S3 (never buffered here), the result
   * JSON otherwise. The job is read for the caller's tenant, and the object must lie in that
   * tenant's folder, so another tenant's result is a 404 either way.
   */
  router.get('/v1/jobs/:id/result', async (req, res) => {
    const { tenantId } = principalOf(req);
    const job = await deps.jobs.get(principalOf(req), jobIdOf(req));
    if (job.status !== 'completed' || !job.result) {
      throw errors.conflict('job_not_completed', `Job ${job.id} is ${job.status}; its result exists once it is completed.`);
    }
    if (job.type !== 'synthesize') return void res.json(job.result);
    const key = (job.result as { audio?: { key?: string } }).audio?.key;
    if (!key || tenantOfKey(key) !== tenantId) throw errors.notFound('result', job.id);
    await sendObject(deps.objects, key, res, () => errors.notFound('result', job.id));
  });

  /**
   * One picture of a completed image job (`index` from 0, in the result's order), streamed
   * from S3 like synthesize audio: what the console shows, and a download that needs the key
   * rather than a presigned URL that anyone holding it may use until it expires.
   */
  router.get('/v1/jobs/:id/result/images/:index', async (req, res) => {
    const { tenantId } = principalOf(req);
    const index = parseOrThrow(imageIndexSchema, req.params['index'], 'path.index');
    const job = await deps.jobs.get(principalOf(req), jobIdOf(req));
    if (job.type !== 'image') throw errors.invalidRequest(`Job ${job.id} is a ${job.type} job; only image jobs have images.`, 'path.id');
    if (job.status !== 'completed' || !job.result) {
      throw errors.conflict('job_not_completed', `Job ${job.id} is ${job.status}; its images exist once it is completed.`);
    }
    const missing = () => errors.notFound('object', `${job.id}/result/images/${index}`);
    const image = (job.result as ImageResult).images[index];
    if (!image || tenantOfKey(image.key) !== tenantId) throw missing();
    await sendObject(deps.objects, image.key, res, missing);
  });

  /**
   * A transcribe job's audio, as voxq stored it (an inline body, an upload, a fetched URL):
   * what the console plays beside the transcript. Only an object in voxq's bucket under the
   * caller's tenant is served; an `s3://` reference to another bucket is the tenant's own to
   * read, and an object past the bucket's lifecycle is gone (404 either way).
   */
  router.get('/v1/jobs/:id/input/audio', async (req, res) => {
    const { tenantId } = principalOf(req);
    const job = await deps.jobs.get(principalOf(req), jobIdOf(req), { include: ['input'] });
    const audio = job.type === 'transcribe' ? (job.input as TranscribeInput | null | undefined)?.audio : undefined;
    const missing = () => errors.notFound('object', `${job.id}/input/audio`);
    if (!audio || audio.bucket !== undefined || tenantOfKey(audio.key) !== tenantId) throw missing();
    await sendObject(deps.objects, audio.key, res, missing);
  });

  return router;
}
