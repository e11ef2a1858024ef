import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Config } from '@voxq/config';
import { metadataSchema } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { BatchStore, type FileRecord } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import type { Redis } from 'ioredis';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { BatchService, batchObject, fileObject, type BatchServiceDeps } from '../services/batch-service';
import type { JobService } from '../services/job-service';
import { boundaryOf, readMultipart } from '../services/multipart-stream';
import { parseOrThrow } from '../validation';
import { openAiErrors } from './openai.routes';

const createBatchSchema = z.looseObject({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.string().min(1),
  metadata: metadataSchema.nullable().optional(),
});

const listSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(64).optional(),
});

export interface BatchesRoutesDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  jobs: JobService;
  objects: ObjectStore;
  providers: ProviderRuntime;
}

export function batchServiceFor(deps: BatchesRoutesDeps, overrides: Partial<BatchServiceDeps> = {}): BatchService {
  return new BatchService({
    store: new BatchStore(deps.redis, deps.config.redis.prefix, deps.config.jobs.retentionSeconds),
    jobs: deps.jobs,
    objects: deps.objects,
    providers: deps.providers,
    logger: deps.logger,
    maxFileBytes: deps.config.uploads.maxBytes,
    ...overrides,
  });
}

/**
 * OpenAI's Files and Batch APIs (the `purpose=batch` subset): `/v1/files` and `/v1/batches`,
 * so `client.files.create` + `client.batches.create` run a JSONL of chat completions as voxq jobs.
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
    await service.saveFile(stored);
    res.json(fileObject(stored));
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
    const body = parseOrThrow(createBatchSchema, req.body);
    res.json(batchObject(await service.create(principalOf(req), { ...body, metadata: body.metadata ?? null })));
  });

  router.get('/v1/batches', async (req, res) => {
    const query = parseOrThrow(listSchema, req.query);
    res.json(await service.list(principalOf(req), query.limit, query.after));
  });

  router.get('/v1/batches/:id', async (req, res) => {
    res.json(batchObject(await service.get(principalOf(req), idOf(req))));
  });

  router.post('/v1/batches/:id/cancel', async (req, res) => {
    res.json(batchObject(await service.cancel(principalOf(req), idOf(req))));
  });

  router.use(openAiErrors);
  return router;
}
