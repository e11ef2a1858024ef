import type { Readable } from 'node:stream';
import type { Principal } from '@voxq/auth';
import { isFinalBatchStatus, type BatchEndpoint, type BatchObject, type WebhookTarget } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { BatchRecord } from '@voxq/contracts';
import { BatchStore, derivedFileId, newBatchId, newFileId, type BatchHistory, type FileRecord } from '@voxq/job-store';
import type { Queues } from '@voxq/queues';
import type { ObjectStore } from '@voxq/storage';
import { assertDeliverableUrl } from '@voxq/url-guard';
import type { Config } from '@voxq/config';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { fileKey, fileObject } from './batch-files';
import type { ListFilesQuery } from './batch-request.schema';
import { scheduleFileExpiry } from './batch-file-expiry';
import { runJobId } from './batch-runner-deps';
import { batchObject, nowSeconds } from './batch-view';

export interface BatchServiceDeps {
  config: Config;
  store: BatchStore;
  objects: ObjectStore;
  /** The `batches` queue: each batch's runner (`batches.getJob` to wake it), and file expiries. */
  queues: Pick<Queues, 'enqueue' | 'batches'>;
}

export interface NewBatch {
  input_file_id: string;
  endpoint: BatchEndpoint;
  /** Seconds the batch has to finish (`24h` in OpenAI's API). */
  windowSeconds: number;
  completion_window: string;
  metadata: Record<string, string> | null;
  webhook: WebhookTarget | null;
  outputExpiresAfter: number | null;
}

/**
 * Files and batches as the API sees them: storing and reading files, creating a batch and
 * handing it to its runner (the `batches` queue, served by the worker app), reading it with
 * live counts, and asking for a cancel. The runner does the rest (see batch-runner.ts).
 */
export class BatchService {
  constructor(private readonly deps: BatchServiceDeps) {}

  /** Streams a file's bytes to S3; the record is saved by `saveFile` once the form checks out. */
  async storeFile(principal: Principal, file: { body: Readable; filename: string; purpose?: string }): Promise<FileRecord> {
    const id = newFileId();
    const key = fileKey(principal.tenantId, id);
    const stored = await this.deps.objects.putStream(key, file.body, {
      contentType: 'application/jsonl',
      maxBytes: this.deps.config.batches.maxFileBytes,
      metadata: { 'voxq-tenant': principal.tenantId, 'voxq-file': id },
    });
    return {
      id,
      tenantId: principal.tenantId,
      key,
      bytes: stored.size,
      filename: file.filename,
      purpose: file.purpose ?? 'batch',
      createdAt: nowSeconds(),
      expiresAt: null,
    };
  }

  /** Saves a stored file's record, to expire `expiresAfter` seconds from now (default: the batch file retention). */
  async saveFile(record: FileRecord, expiresAfter?: number): Promise<FileRecord> {
    const saved = { ...record, expiresAt: record.createdAt + (expiresAfter ?? this.deps.config.batches.fileRetentionSeconds) };
    await this.deps.store.putFile(saved);
    await scheduleFileExpiry(this.deps.queues, saved);
    return saved;
  }

  /** Removes stored bytes whose form was refused. */
  async discardFile(record: FileRecord): Promise<void> {
    // Best effort on a path already failing: the refusal is what the client must see.
    await this.deps.objects.delete({ key: record.key }).catch(() => undefined);
  }

  async getFile(principal: Principal, id: string): Promise<FileRecord> {
    const record = await this.deps.store.getFile(principal.tenantId, id);
    if (!record) throw errors.notFound('file', id);
    return record;
  }

  /** OpenAI's file list: the tenant's files only, a page after `after` in `order`. */
  async listFiles(principal: Principal, query: ListFilesQuery) {
    const page = await this.deps.store.listFiles(principal.tenantId, {
      limit: query.limit,
      order: query.order,
      ...(query.after ? { after: query.after } : {}),
      ...(query.purpose ? { purpose: query.purpose } : {}),
    });
    if (!page) throw errors.invalidRequest(`after names no file of yours (got '${query.after}'): pass the id of a file from the previous page.`, 'after');
    const data = page.files.map(fileObject);
    return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore };
  }

  async deleteFile(principal: Principal, id: string): Promise<void> {
    const record = await this.getFile(principal, id);
    // Deleting an object that is already gone succeeds; any other failure must not drop the
    // record while the bytes stay (the caller retries the DELETE).
    await this.deps.objects.delete({ key: record.key });
    await this.deps.store.deleteFile(principal.tenantId, id);
  }

  /** A batch of the lines in a JSONL the API writes itself (voxq's inline form). */
  async storeInlineFile(principal: Principal, lines: string[], batchId: string): Promise<FileRecord> {
    const id = derivedFileId(batchId, 'input');
    const key = fileKey(principal.tenantId, id);
    const stored = await this.deps.objects.putBuffer(key, Buffer.from(`${lines.join('\n')}\n`), { contentType: 'application/jsonl' });
    return this.saveFile({
      id,
      tenantId: principal.tenantId,
      key,
      bytes: stored.size,
      filename: `${batchId}_input.jsonl`,
      purpose: 'batch',
      createdAt: nowSeconds(),
      expiresAt: null,
    });
  }

  async create(principal: Principal, request: NewBatch, id = newBatchId()): Promise<BatchObject> {
    const file = await this.getFile(principal, request.input_file_id);
    if (file.purpose !== 'batch')
      throw errors.invalidRequest(`File ${file.id} has purpose '${file.purpose}'; a batch's input file must have purpose 'batch'.`, 'input_file_id');
    if (request.webhook) await assertDeliverableUrl(request.webhook.url, this.deps.config.webhooks, 'webhook.url');
    const created = nowSeconds();
    const batch: BatchRecord = {
      id,
      tenantId: principal.tenantId,
      endpoint: request.endpoint,
      input_file_id: file.id,
      completion_window: request.completion_window,
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      errors: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + request.windowSeconds,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      total: 0,
      metadata: request.metadata,
      webhook: request.webhook,
      outputExpiresAfter: request.outputExpiresAfter,
    };
    // Record first, runner second: a crash in between leaves a batch that the next GET hands to a runner.
    await this.deps.store.putBatch(batch);
    await this.startRunner(batch);
    return batchObject({ batch, progress: { expanded: 0, completed: 0, failed: 0, cancelled: 0 }, cancelRequestedAt: null });
  }

  /** Hands a batch to its runner; a no-op while the runner's job exists (one job id per batch). */
  private async startRunner(batch: BatchRecord): Promise<void> {
    await this.deps.queues.enqueue('batches', { job: 'run', payload: { tenantId: batch.tenantId, batchId: batch.id }, options: { jobId: runJobId(batch.id) } });
  }

  /** Redis first, then the history tier (a finished batch moves there after its hot window). */
  async get(principal: Principal, id: string): Promise<BatchObject> {
    const state = await this.deps.store.findBatch(principal.tenantId, id);
    if (!state) throw errors.notFound('batch', id);
    // Only a batch still validating can lack its runner (created, then the process died before
    // queueing it); past validation the runner exists, so polling a batch costs no queue call.
    if (state.batch.status === 'validating') await this.startRunner(state.batch);
    return batchObject(state);
  }

  async list(principal: Principal, limit: number, after?: string) {
    const page = await this.deps.store.listBatches(principal.tenantId, limit, after);
    const data = page.items.map(batchObject);
    return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.nextCursor !== null };
  }

  /** Asks the runner to cancel; it is woken at once and the batch reads `cancelling` until it has. */
  async cancel(principal: Principal, id: string): Promise<BatchObject> {
    // A batch only the history tier holds is finished: refused below, as one still in Redis.
    const state = await this.deps.store.findBatch(principal.tenantId, id);
    if (!state) throw errors.notFound('batch', id);
    if (isFinalBatchStatus(state.batch.status)) {
      throw errors.conflict('batch_not_cancellable', `Batch ${id} is already ${state.batch.status} and cannot be cancelled.`);
    }
    const at = nowSeconds();
    if (await this.deps.store.requestCancel(principal.tenantId, id, at)) state.cancelRequestedAt = at;
    const runner = await this.deps.queues.batches.getJob(runJobId(id));
    if (runner && (await runner.isDelayed())) {
      // The runner may wake on its own between the check and the promote: that refusal is
      // harmless; a runner still delayed after a failed promote is not.
      await runner.promote().catch(async (error: unknown) => {
        if (await runner.isDelayed()) throw error;
      });
    } else if (!runner) await this.startRunner(state.batch);
    return batchObject(state);
  }
}

/** What building a BatchService for one process takes. */
export interface BatchServiceWiring {
  config: Config;
  redis: RedisClient;
  objects: ObjectStore;
  queues: Pick<Queues, 'enqueue' | 'batches'>;
  /** The history tier finished batches move to, when one is configured (reads fall through to it). */
  history?: BatchHistory | undefined;
}

export function batchServiceFor(deps: BatchServiceWiring): BatchService {
  return new BatchService({
    config: deps.config,
    store: new BatchStore(deps.redis, KeyShards.for(deps.config.redis), deps.config.jobs.retentionSeconds, deps.history),
    objects: deps.objects,
    queues: deps.queues,
  });
}
