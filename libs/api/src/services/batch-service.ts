import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Principal } from '@voxq/auth';
import { isTerminal, jobRequestSchema, type CompleteResult, type JobView } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { newBatchId, newFileId, type BatchStore, type BatchError, type BatchRecord, type FileRecord } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import { tenantKey, type ObjectStore } from '@voxq/storage';
import { chatCompletion, chatCompletionRequestSchema, completeRequest } from '../routes/openai.routes';
import type { JobService, Submission } from './job-service';

export const BATCH_ENDPOINTS = ['/v1/chat/completions'] as const;
const CHUNK = 500;
const MAX_ERRORS = 100;

export interface BatchServiceDeps {
  store: BatchStore;
  jobs: JobService;
  objects: ObjectStore;
  providers: ProviderRuntime;
  logger: Logger;
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  /** How often a running batch checks its jobs. */
  pollMs?: number;
}

const now = () => Math.floor(Date.now() / 1000);
export const fileKey = (tenantId: string, id: string) => tenantKey(tenantId, 'files', id);

export function fileObject(f: FileRecord) {
  return { id: f.id, object: 'file' as const, bytes: f.bytes, created_at: f.createdAt, filename: f.filename, purpose: f.purpose, status: 'processed', status_details: null };
}

export function batchObject(b: BatchRecord) {
  const { tenantId: _tenant, ...rest } = b;
  return { object: 'batch' as const, ...rest, errors: b.errors ? { object: 'list' as const, data: b.errors } : null };
}

/** Lines of a stored file, numbered from 1 (blank lines are counted, then skipped). */
async function* linesOf(body: Readable): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    line++;
    if (text.trim()) yield { line, text };
  }
}

/**
 * The OpenAI Batch API over voxq jobs: a JSONL file of requests becomes one job per line
 * (metadata `batchId`, `customId`); when every job is terminal the results are written back
 * as output and error JSONL files. The work runs in the API process; a GET re-drives a batch
 * whose runner went away.
 */
export class BatchService {
  private readonly running = new Set<string>();
  constructor(private readonly deps: BatchServiceDeps) {}

  /** Streams a file's bytes to S3; the record is saved by `saveFile` once the form checks out. */
  async storeFile(principal: Principal, file: { body: Readable; filename: string }): Promise<FileRecord> {
    const id = newFileId();
    const key = fileKey(principal.tenantId, id);
    const stored = await this.deps.objects.putStream(key, file.body, {
      contentType: 'application/jsonl',
      maxBytes: this.deps.maxFileBytes,
      metadata: { 'voxq-tenant': principal.tenantId, 'voxq-file': id },
    });
    return { id, tenantId: principal.tenantId, key, bytes: stored.size, filename: file.filename, purpose: 'batch', createdAt: now() };
  }

  async saveFile(record: FileRecord): Promise<void> {
    await this.deps.store.putFile(record);
  }

  /** Removes stored bytes whose form was refused. */
  async discardFile(record: FileRecord): Promise<void> {
    await this.deps.objects.delete({ key: record.key }).catch(() => undefined);
  }

  async getFile(principal: Principal, id: string): Promise<FileRecord> {
    const record = await this.deps.store.getFile(principal.tenantId, id);
    if (!record) throw errors.notFound('file', id);
    return record;
  }

  async deleteFile(principal: Principal, id: string): Promise<void> {
    const record = await this.getFile(principal, id);
    await this.deps.objects.delete({ key: record.key }).catch(() => undefined);
    await this.deps.store.deleteFile(principal.tenantId, id);
  }

  async create(principal: Principal, body: { input_file_id: string; endpoint: string; completion_window: string; metadata?: Record<string, string> | null }): Promise<BatchRecord> {
    if (!(BATCH_ENDPOINTS as readonly string[]).includes(body.endpoint)) {
      throw errors.invalidRequest(`endpoint must be one of ${BATCH_ENDPOINTS.join(', ')} (got '${body.endpoint}'); other endpoints are not supported by voxq batches yet.`, 'endpoint');
    }
    if (body.completion_window !== '24h') throw errors.invalidRequest(`completion_window must be '24h'.`, 'completion_window');
    await this.getFile(principal, body.input_file_id);
    const created = now();
    const batch: BatchRecord = {
      id: newBatchId(),
      tenantId: principal.tenantId,
      endpoint: body.endpoint,
      input_file_id: body.input_file_id,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      errors: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + 86_400,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: body.metadata ?? null,
    };
    await this.deps.store.putBatch(batch);
    this.drive(principal, batch.id);
    return batch;
  }

  /** The batch, re-driving it when no runner in this process holds it. */
  async get(principal: Principal, id: string): Promise<BatchRecord> {
    const batch = await this.deps.store.getBatch(principal.tenantId, id);
    if (!batch) throw errors.notFound('batch', id);
    if (!['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) this.drive(principal, id);
    return batch;
  }

  async list(principal: Principal, limit: number, after?: string) {
    const page = await this.deps.store.listBatches(principal.tenantId, limit, after);
    const data = page.items.map(batchObject);
    return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.nextCursor !== null };
  }

  async cancel(principal: Principal, id: string): Promise<BatchRecord> {
    const batch = await this.get(principal, id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) {
      throw errors.conflict('batch_not_cancellable', `Batch ${id} is already ${batch.status} and cannot be cancelled.`);
    }
    if (batch.status !== 'cancelling') {
      batch.status = 'cancelling';
      batch.cancelling_at = now();
      await this.deps.store.putBatch(batch);
    }
    this.drive(principal, id);
    return batch;
  }

  /** Runs the batch to its end in the background, once per process and (by the lock) per cluster. */
  private drive(principal: Principal, id: string): void {
    if (this.running.has(id)) return;
    this.running.add(id);
    void (async () => {
      const { store } = this.deps;
      if (!(await store.lock(principal.tenantId, id, 30))) return;
      try {
        await this.run(principal, id);
      } finally {
        await store.unlock(principal.tenantId, id);
      }
    })()
      .catch((error) => this.deps.logger.error({ err: error, batchId: id }, 'batch runner failed'))
      .finally(() => this.running.delete(id));
  }

  private async save(batch: BatchRecord): Promise<void> {
    await this.deps.store.putBatch(batch);
    await this.deps.store.touch(batch.tenantId, batch.id, 30);
  }

  private async run(principal: Principal, id: string): Promise<void> {
    const { store } = this.deps;
    let batch = (await store.getBatch(principal.tenantId, id))!;
    if (batch.status === 'validating') {
      const problems = await this.validate(principal, batch);
      if (problems.length) {
        Object.assign(batch, { status: 'failed', failed_at: now(), errors: problems });
        return void (await this.save(batch));
      }
      await this.expand(principal, batch);
      batch = (await store.getBatch(principal.tenantId, id))!;
      Object.assign(batch, { status: 'in_progress', in_progress_at: now() });
      await this.save(batch);
    }
    const pollMs = this.deps.pollMs ?? 500;
    for (;;) {
      batch = (await store.getBatch(principal.tenantId, id))!;
      if (batch.status === 'cancelling') await this.cancelJobs(principal, batch);
      const counts = await this.count(principal, batch);
      const changed = counts.completed !== batch.request_counts.completed || counts.failed !== batch.request_counts.failed;
      batch.request_counts = { total: batch.request_counts.total, completed: counts.completed, failed: counts.failed };
      if (counts.pending === 0) return this.finalize(principal, batch);
      if (changed) await this.save(batch);
      else await store.touch(principal.tenantId, id, 30);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private async validate(principal: Principal, batch: BatchRecord): Promise<BatchError[]> {
    const file = await this.deps.store.getFile(principal.tenantId, batch.input_file_id);
    if (!file) return [{ code: 'invalid_file', message: `File ${batch.input_file_id} no longer exists.`, line: null }];
    const problems: BatchError[] = [];
    const seen = new Set<string>();
    let total = 0;
    const { body } = await this.deps.objects.getStream({ key: file.key });
    for await (const { line, text } of linesOf(body)) {
      total++;
      const problem = this.checkLine(text, batch.endpoint, seen);
      if (problem) problems.push({ ...problem, line });
      if (problems.length >= MAX_ERRORS) {
        body.destroy();
        break;
      }
    }
    if (!problems.length && total === 0) problems.push({ code: 'empty_file', message: 'The input file has no requests.', line: null });
    return problems;
  }

  /** Why one line cannot run, or null (its custom_id is then remembered). */
  private checkLine(text: string, endpoint: string, seen: Set<string>): Omit<BatchError, 'line'> | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { code: 'invalid_json_line', message: 'This line is not a JSON object.' };
    const entry = parsed as Record<string, unknown>;
    if (typeof entry['custom_id'] !== 'string' || !entry['custom_id']) return { code: 'missing_required_parameter', message: 'custom_id is required.', param: 'custom_id' };
    if (entry['method'] !== 'POST') return { code: 'invalid_method', message: "method must be 'POST'.", param: 'method' };
    if (entry['url'] !== endpoint) return { code: 'mismatched_endpoint', message: `url must be '${endpoint}', the batch's endpoint (got ${JSON.stringify(entry['url'])}).`, param: 'url' };
    if (seen.has(entry['custom_id'])) return { code: 'duplicate_custom_id', message: `The custom_id '${entry['custom_id']}' appears more than once.`, param: 'custom_id' };
    const submission = this.toSubmission(entry['body']);
    if (!submission.ok) return { code: 'invalid_request', message: submission.message, param: 'body' };
    seen.add(entry['custom_id']);
    return null;
  }

  private toSubmission(body: unknown): { ok: true; submission: Submission } | { ok: false; message: string } {
    const chat = chatCompletionRequestSchema.safeParse(body);
    if (!chat.success) return { ok: false, message: `Invalid body: ${chat.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
    if (chat.data.stream) return { ok: false, message: 'stream is not supported in a batch.' };
    const job = jobRequestSchema.safeParse(completeRequest(this.deps.providers, chat.data));
    if (!job.success) return { ok: false, message: `Invalid body: ${job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
    return { ok: true, submission: job.data as Submission };
  }

  /** Second pass over the file: jobs in chunks, each recorded against the batch. */
  private async expand(principal: Principal, batch: BatchRecord): Promise<void> {
    const { store } = this.deps;
    const file = (await store.getFile(principal.tenantId, batch.input_file_id))!;
    const { body } = await this.deps.objects.getStream({ key: file.key });
    let chunk: Array<{ customId: string; submission: Submission }> = [];
    let total = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const submitted = await this.deps.jobs.submitMany(
        principal,
        chunk.map((c) => ({ ...c.submission, metadata: { batchId: batch.id, customId: c.customId.slice(0, 512) } })),
        chunk.map((c) => `${batch.id}:${createHash('sha256').update(c.customId).digest('hex')}`),
      );
      await store.addJobs(principal.tenantId, batch.id, submitted.map((s, i) => ({ jobId: s.view.id, customId: chunk[i]!.customId })));
      total += chunk.length;
      batch.request_counts.total = total;
      await this.save(batch);
      chunk = [];
    };
    for await (const { text } of linesOf(body)) {
      const entry = JSON.parse(text) as { custom_id: string; body: unknown };
      const parsed = this.toSubmission(entry.body);
      if (!parsed.ok) throw errors.internal('A validated line no longer parses.');
      chunk.push({ customId: entry.custom_id, submission: parsed.submission });
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
  }

  private async forEachJob(principal: Principal, batch: BatchRecord, fn: (job: JobView | null, customId: string) => Promise<void> | void): Promise<void> {
    for await (const page of this.deps.store.jobs(principal.tenantId, batch.id)) {
      const views = await Promise.all(page.map((e) => this.deps.jobs.get(principal, e.jobId).catch(() => null)));
      for (const [i, view] of views.entries()) await fn(view, page[i]!.customId);
    }
  }

  private async count(principal: Principal, batch: BatchRecord) {
    let completed = 0;
    let failed = 0;
    let pending = 0;
    await this.forEachJob(principal, batch, (job) => {
      if (!job) failed++;
      else if (job.status === 'completed') completed++;
      else if (isTerminal(job.status)) failed++;
      else pending++;
    });
    return { completed, failed, pending };
  }

  private async cancelJobs(principal: Principal, batch: BatchRecord): Promise<void> {
    const ids: string[] = [];
    await this.forEachJob(principal, batch, (job) => {
      if (job && !isTerminal(job.status)) ids.push(job.id);
    });
    for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => this.deps.jobs.cancel(principal, id).catch(() => null)));
  }

  /** Writes the output and error files, then the batch's final status. */
  private async finalize(principal: Principal, batch: BatchRecord): Promise<void> {
    const cancelled = batch.status === 'cancelling';
    Object.assign(batch, { status: 'finalizing', finalizing_at: now() });
    await this.save(batch);
    const output: string[] = [];
    const failures: string[] = [];
    await this.forEachJob(principal, batch, (job, customId) => {
      const id = `batch_req_${job?.id ?? customId}`;
      if (job?.status === 'completed' && job.result) {
        output.push(JSON.stringify({ id, custom_id: customId, response: { status_code: 200, request_id: job.id, body: chatCompletion(job, job.result as CompleteResult) }, error: null }));
      } else {
        const error = job?.error ?? { code: 'job_missing', message: 'The job record is gone.' };
        failures.push(JSON.stringify({ id, custom_id: customId, response: null, error: { code: error.code, message: error.message } }));
      }
    });
    const write = async (lines: string[], name: string) => {
      if (!lines.length) return null;
      const id = newFileId();
      const key = fileKey(principal.tenantId, id);
      const stored = await this.deps.objects.putBuffer(key, Buffer.from(`${lines.join('\n')}\n`), { contentType: 'application/jsonl' });
      await this.deps.store.putFile({ id, tenantId: principal.tenantId, key, bytes: stored.size, filename: `${batch.id}_${name}.jsonl`, purpose: 'batch_output', createdAt: now() });
      return id;
    };
    batch.output_file_id = await write(output, 'output');
    batch.error_file_id = await write(failures, 'error');
    if (cancelled) Object.assign(batch, { status: 'cancelled', cancelled_at: now() });
    else Object.assign(batch, { status: 'completed', completed_at: now() });
    await this.save(batch);
  }
}
