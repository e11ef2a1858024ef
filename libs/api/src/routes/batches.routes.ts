import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { Config } from '@voxq/config';
import {
  type BatchService,
  expiresAfterSchema,
  fileBatchSchema,
  fileObject,
  inlineBatchLines,
  inlineBatchSchema,
  listBatchesQuerySchema,
  listFilesQuerySchema,
} from '@voxq/batches';
import { errors } from '@voxq/errors';
import { newBatchId, type FileRecord } from '@voxq/job-store';
import { boundaryOf, parseOrThrow, readMultipart } from '@voxq/intake';
import type { ObjectStore } from '@voxq/storage';
import { assertDeliverableUrl } from '@voxq/url-guard';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { refuseContentEncoding } from '../middleware/request-headers';
import { openAiErrors } from './openai.routes';

export interface BatchesRoutesDeps {
  config: Config;
  objects: ObjectStore;
  /** The API's one BatchService (files and batches; the runner is the worker's). */
  batches: BatchService;
}

/**
 * OpenAI's Files and Batch APIs (the `purpose=batch` subset): `/v1/files` (upload, list, read,
 * delete) and `/v1/batches`,
 * so `client.files.create` + `client.batches.create` run a JSONL of chat completions, speech
 * or transcriptions as voxq jobs; `POST /v1/batches {jobs: [...]}` is voxq's inline form.
 */
export function batchesRoutes(deps: BatchesRoutesDeps): Router {
  const service = deps.batches;
  const router = Router();
  const idOf = (req: Request) => String(req.params.id);

  router.post('/v1/files', async (req, res) => {
    const principal = principalOf(req);
    const boundary = req.is('multipart/form-data') ? boundaryOf(req.header('content-type')) : null;
    if (!boundary) throw errors.unsupportedMediaType('Send the file as multipart/form-data with `file` and `purpose` fields.');
    refuseContentEncoding(req, '/v1/files');
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

  router.get('/v1/files', async (req, res) => {
    res.json(await service.listFiles(principalOf(req), parseOrThrow(listFilesQuerySchema, req.query)));
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
      const file = await service.storeInlineFile(principal, inlineBatchLines(inline.jobs, deps.config.batches.maxRequests), id);
      return void res
        .status(202)
        .location(`/v1/batches/${id}`)
        .json(await service.create(principal, { ...options, input_file_id: file.id, endpoint: '/v1/jobs' }, id));
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
