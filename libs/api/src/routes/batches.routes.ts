import { pipeline } from 'node:stream/promises';
import type { Queue } from 'bullmq';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseDuration, type Config } from '@voxq/config';
import { batchEndpointSchema, metadataSchema, webhookTargetSchema } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { BatchStore, newBatchId, type FileRecord } from '@voxq/job-store';
import type { ObjectStore } from '@voxq/storage';
import { assertDeliverableUrl } from '@voxq/webhooks';
import type { Redis } from 'ioredis';
import { fileObject } from '../batches/batch-files';
import { MAX_CUSTOM_ID_LENGTH } from '../batches/batch-lines';
import { BatchService } from '../batches/batch-service';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { jsonSubmission } from '../services/job-request';
import { boundaryOf, readMultipart } from '../services/multipart-stream';
import { parseOrThrow } from '../validation';
import { openAiErrors } from './openai.routes';

const MIN_WINDOW_SECONDS = 10;
const MAX_WINDOW_SECONDS = 7 * 86_400;

/** `24h` as OpenAI takes it; voxq also takes any duration from 10s to 7d (`1h`, `30m`). */
const completionWindowSchema = z
  .string()
  .default('24h')
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    const seconds = typeof ms === 'number' ? ms / 1000 : NaN;
    if (!(seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_WINDOW_SECONDS)) {
      ctx.addIssue({ code: 'custom', message: `must be a duration from ${MIN_WINDOW_SECONDS}s to 7d, such as '24h' (got '${text}')` });
      return z.NEVER;
    }
    return { text, seconds };
  });

/** OpenAI's `expires_after`: seconds after creation, from one hour to 30 days. */
const expiresAfterSchema = z.strictObject({
  anchor: z.literal('created_at'),
  seconds: z.coerce.number().int().min(3600).max(2_592_000),
});

const common = {
  completion_window: completionWindowSchema,
  metadata: metadataSchema.nullable().optional(),
  output_expires_after: expiresAfterSchema.optional(),
  /** voxq: where `batch.*` events go besides the tenant's endpoints. */
  webhook: webhookTargetSchema.nullable().optional(),
};

/** OpenAI's form: a JSONL file uploaded with `purpose=batch`. */
export const fileBatchSchema = z.looseObject({ input_file_id: z.string().min(1).max(64), endpoint: batchEndpointSchema, ...common });

/** voxq's inline form: the job requests themselves (`custom_id` optional; default: the index). */
export const inlineBatchSchema = z.strictObject({ jobs: z.array(z.unknown()).min(1), ...common });

export const listBatchesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(64).optional(),
});

export interface BatchesRoutesDeps {
  config: Config;
  redis: Redis;
  objects: ObjectStore;
  batchQueue: Queue;
}

export function batchServiceFor(deps: BatchesRoutesDeps): BatchService {
  return new BatchService({
    config: deps.config,
    store: new BatchStore(deps.redis, deps.config.redis.prefix, deps.config.jobs.retentionSeconds),
    objects: deps.objects,
    batches: deps.batchQueue,
  });
}

/** The inline form's jobs as JSONL lines, each checked like `POST /v1/jobs` (a 400 names `jobs.3.input`). */
function inlineLines(jobs: unknown[], maxRequests: number): string[] {
  if (jobs.length > maxRequests) throw errors.invalidRequest(`A batch may hold at most ${maxRequests} requests (got ${jobs.length}).`, 'jobs');
  const seen = new Set<string>();
  return jobs.map((item, i) => {
    const { custom_id: given, ...request } = (item && typeof item === 'object' && !Array.isArray(item) ? item : { item }) as Record<string, unknown>;
    if (given !== undefined && (typeof given !== 'string' || !given || given.length > MAX_CUSTOM_ID_LENGTH)) {
      throw errors.invalidRequest(`jobs.${i}.custom_id: must be a non-empty string of at most ${MAX_CUSTOM_ID_LENGTH} characters.`, `jobs.${i}.custom_id`);
    }
    const customId = given ?? String(i);
    if (seen.has(customId)) throw errors.invalidRequest(`jobs.${i}.custom_id: '${customId}' appears more than once.`, `jobs.${i}.custom_id`);
    seen.add(customId);
    jsonSubmission(item === null || typeof item !== 'object' ? item : request, `jobs.${i}`);
    return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/jobs', body: request });
  });
}

/**
 * OpenAI's Files and Batch APIs (the `purpose=batch` subset): `/v1/files` and `/v1/batches`,
 * so `client.files.create` + `client.batches.create` run a JSONL of chat completions, speech
 * or transcriptions as voxq jobs; `POST /v1/batches {jobs: [...]}` is voxq's inline form.
 */
export function batchesRoutes(deps: BatchesRoutesDeps, service = batchServiceFor(deps)): Router {
  const router = Router();
  const idOf = (req: Request) => String(req.params.id);

  router.post('/v1/files', async (req, res) => {
    const principal = principalOf(req);
    const boundary = req.is('multipart/form-data') ? boundaryOf(req.header('content-type')) : null;
    if (!boundary) throw errors.unsupportedMediaType('Send the file as multipart/form-data with `file` and `purpose` fields.');
    let file: FileRecord | null = null;
    const fields = await readMultipart(req, boundary, async (part) => {
      if (part.field !== 'file' || file) return void part.body.resume();
      file = await service.storeFile(principal, { body: part.body, filename: part.filename || 'upload.jsonl' });
    });
    // `purpose` may come after the file: it is checked once the whole form is read.
    const stored = file as FileRecord | null;
    if (!stored) throw errors.invalidRequest('A `file` field is required.', 'file');
    if (fields['purpose'] !== 'batch') {
      await service.discardFile(stored);
      throw errors.invalidRequest(`purpose must be 'batch' (got '${fields['purpose'] ?? ''}'); voxq stores batch input files only.`, 'purpose');
    }
    const anchor = fields['expires_after[anchor]'];
    const seconds = fields['expires_after[seconds]'];
    let expiresAfter: z.infer<typeof expiresAfterSchema> | undefined;
    try {
      expiresAfter = anchor === undefined && seconds === undefined ? undefined : parseOrThrow(expiresAfterSchema, { anchor, seconds }, 'expires_after');
    } catch (error) {
      await service.discardFile(stored);
      throw error;
    }
    res.json(fileObject(await service.saveFile(stored, expiresAfter?.seconds)));
  });

  router.get('/v1/files/:id', async (req, res) => {
    res.json(fileObject(await service.getFile(principalOf(req), idOf(req))));
  });

  router.get('/v1/files/:id/content', async (req, res) => {
    const file = await service.getFile(principalOf(req), idOf(req));
    const { body, object } = await deps.objects.getStream({ key: file.key });
    res.setHeader('Content-Type', 'application/jsonl');
    res.setHeader('Content-Length', String(object.size));
    await pipeline(body, res).catch(() => undefined);
  });

  router.delete('/v1/files/:id', async (req, res) => {
    const id = idOf(req);
    await service.deleteFile(principalOf(req), id);
    res.json({ id, object: 'file', deleted: true });
  });

  router.post('/v1/batches', jsonBody(deps.config), async (req, res) => {
    const principal = principalOf(req);
    const inline = req.body && typeof req.body === 'object' && 'jobs' in req.body ? parseOrThrow(inlineBatchSchema, req.body) : null;
    const body = inline ?? parseOrThrow(fileBatchSchema, req.body);
    const options = {
      completion_window: body.completion_window.text,
      windowSeconds: body.completion_window.seconds,
      metadata: body.metadata ?? null,
      webhook: body.webhook ?? null,
      outputExpiresAfter: body.output_expires_after?.seconds ?? null,
    };
    if (inline) {
      // Before the inline file is stored: a refused webhook must leave nothing behind.
      if (body.webhook) await assertDeliverableUrl(body.webhook.url, deps.config.webhooks, 'webhook.url');
      const id = newBatchId();
      const file = await service.storeInlineFile(principal, inlineLines(inline.jobs, deps.config.batches.maxRequests), id);
      return void res.status(202).location(`/v1/batches/${id}`).json(await service.create(principal, { ...options, input_file_id: file.id, endpoint: '/v1/jobs' }, id));
    }
    const { input_file_id, endpoint } = parseOrThrow(fileBatchSchema, req.body);
    res.json(await service.create(principal, { ...options, input_file_id, endpoint }));
  });

  router.get('/v1/batches', async (req, res) => {
    const query = parseOrThrow(listBatchesQuerySchema, req.query);
    res.json(await service.list(principalOf(req), query.limit, query.after));
  });

  router.get('/v1/batches/:id', async (req, res) => {
    res.json(await service.get(principalOf(req), idOf(req)));
  });

  router.post('/v1/batches/:id/cancel', async (req, res) => {
    res.json(await service.cancel(principalOf(req), idOf(req)));
  });

  router.use(openAiErrors);
  return router;
}
