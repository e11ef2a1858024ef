import { createHash } from 'node:crypto';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Principal, UsageAllowance } from '@voxq/auth';
import { isFinalBatchStatus, isTerminal, type BatchError, type JobView } from '@voxq/contracts';
import { isAppError, toAppError } from '@voxq/errors';
import { derivedFileId, type BatchRecord, type BatchStore, type FileRecord } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import { enqueueBatchEvent } from '@voxq/webhooks';
import type { JobService, Submission } from '@voxq/intake';
import { BATCH_ENDPOINT_HANDLERS } from './batch-endpoints';
import { fileKey, JsonlUpload } from './batch-files';
import { linesOf, parseLine } from './batch-lines';
import { batchObject, nowSeconds, type BatchState } from './batch-view';

/** Lines submitted per step: one `submitMany` (a few pipelined round trips per job) each. */
export const EXPAND_CHUNK = 500;
/** Validation stops collecting after this many bad lines (OpenAI reports a handful too). */
const MAX_ERRORS = 100;
/**
 * Batch jobs queue with a BullMQ priority: every job without one (interactive work, of any
 * tenant) is served first. Among batches, chunk n of every batch has priority BASE + n, so
 * batches running at once take turns chunk by chunk instead of first-come-first-served.
 */
const PRIORITY_BASE = 1;
const PRIORITY_MAX = 2_097_151;

export type BatchStep = { tenantId: string; batchId: string };
export type FileExpiry = { tenantId: string; fileId: string };

export const runJobId = (batchId: string) => `run.${batchId}`;
export const fileExpiryJobId = (fileId: string) => `expire-file.${fileId}`;

export interface BatchRunnerDeps {
  store: BatchStore;
  jobs: JobService;
  objects: ObjectStore;
  providers: ProviderRuntime;
  /** Where `batch.*` webhook events go. */
  webhooks: Queue;
  /** The `batches` queue (file expiries are scheduled on it). */
  batches: Queue;
  /** Every line is charged to the tenant's monthly allowance when the batch is validated. */
  allowance: UsageAllowance;
  logger: Logger;
  pollMs: number;
  fileRetentionSeconds: number;
  /** Most lines one batch may hold (`BATCH_MAX_REQUESTS`). */
  maxRequests: number;
}

/** Schedules a file's deletion at its expiry (a delayed job; deleting early is harmless). */
export async function scheduleFileExpiry(batches: Queue, file: FileRecord): Promise<void> {
  if (file.expiresAt === null) return;
  const delay = Math.max(0, file.expiresAt * 1000 - Date.now());
  await batches.add('expire-file', { tenantId: file.tenantId, fileId: file.id } satisfies FileExpiry, { jobId: fileExpiryJobId(file.id), delay });
}

/**
 * The `batches` queue's processor. A batch has one `run` job for its whole life: it validates
 * the input file, expands it into jobs chunk by chunk (recording how far it got, so a crash
 * resumes where it stopped), then waits as a delayed job, waking every `pollMs` to read the
 * batch's counts (kept exact by the job store) until every job has ended, the batch is
 * cancelled or its window runs out; then it streams the output and error files to S3.
 */
export function createBatchProcessor(deps: BatchRunnerDeps) {
  const { store, logger } = deps;

  async function save(state: BatchState, patch: Partial<BatchRecord>): Promise<void> {
    Object.assign(state.batch, patch);
    await store.putBatch(state.batch);
  }

  async function announce(state: BatchState): Promise<void> {
    await enqueueBatchEvent(deps.webhooks, state.batch.tenantId, batchObject(state));
  }

  async function validate(state: BatchState): Promise<{ total: number; problems: BatchError[] }> {
    const { batch } = state;
    const file = await store.getFile(batch.tenantId, batch.input_file_id);
    if (!file) return { total: 0, problems: [{ code: 'invalid_file', message: `File ${batch.input_file_id} no longer exists.`, line: null }] };
    const problems: BatchError[] = [];
    const seen = new Set<string>();
    let total = 0;
    const { body } = await deps.objects.getStream({ key: file.key });
    try {
      for await (const { line, text } of linesOf(body)) {
        if (++total > deps.maxRequests) {
          problems.push({ code: 'batch_too_large', message: `The file has more than ${deps.maxRequests} requests, the most one batch may hold.`, line });
          break;
        }
        const parsed = parseLine(text, batch.endpoint, deps.providers, seen);
        if (!parsed.ok) problems.push({ ...parsed.error, line });
        if (problems.length >= MAX_ERRORS) break;
      }
    } finally {
      body.destroy();
    }
    if (!problems.length && total === 0) problems.push({ code: 'empty_file', message: 'The input file has no requests.', line: null });
    return { total, problems };
  }

  /** Lines `from`+1.. become jobs, a chunk at a time; stops early when a cancel is asked. */
  async function expand(state: BatchState, from: number): Promise<void> {
    const { batch } = state;
    const principal: Principal = { tenantId: batch.tenantId, keyId: `batch:${batch.id}` };
    const file = await store.getFile(batch.tenantId, batch.input_file_id);
    if (!file) return;
    const { body } = await deps.objects.getStream({ key: file.key });
    let chunk: Array<{ customId: string; submission: Submission }> = [];
    let index = 0;
    const flush = async () => {
      const start = index - chunk.length;
      const submitted = await deps.jobs.submitMany(
        principal,
        chunk.map(({ customId, submission }) => withCustomId(submission, customId)),
        chunk.map((c) => `${batch.id}:${createHash('sha256').update(c.customId).digest('hex')}`),
        { batch: { id: batch.id, priority: Math.min(PRIORITY_MAX, PRIORITY_BASE + Math.floor(start / EXPAND_CHUNK)) }, charged: true },
      );
      await store.addJobs(batch.tenantId, batch.id, submitted.map((s, i) => ({ jobId: s.view.id, customId: chunk[i]!.customId })), index);
      chunk = [];
    };
    try {
      for await (const { text } of linesOf(body)) {
        if (++index <= from) continue;
        const parsed = parseLine(text, batch.endpoint, deps.providers, new Set());
        // Validated before: a line that no longer parses means the file changed under us.
        if (!parsed.ok) throw new Error(`line ${index} of ${file.id} no longer parses: ${parsed.error.message}`);
        chunk.push(parsed);
        if (chunk.length < EXPAND_CHUNK) continue;
        await flush();
        if ((await store.readBatch(batch.tenantId, batch.id))?.cancelRequestedAt) return;
      }
      if (chunk.length) await flush();
    } finally {
      body.destroy();
    }
  }

  /** Cancels the batch's jobs that have not ended (a job that ends meanwhile just refuses). */
  async function cancelJobs(state: BatchState): Promise<void> {
    const principal: Principal = { tenantId: state.batch.tenantId, keyId: `batch:${state.batch.id}` };
    for await (const page of store.jobs(state.batch.tenantId, state.batch.id)) {
      const views = await Promise.all(page.map((e) => deps.jobs.get(principal, e.jobId).catch(() => null)));
      const open = views.filter((v): v is JobView => v !== null && !isTerminal(v.status));
      await Promise.all(open.map((v) => deps.jobs.cancel(principal, v.id).catch(() => null)));
    }
  }

  /** Writes the output and error files, then the final status and its webhook event. */
  async function finalize(state: BatchState, ending: 'completed' | 'cancelled' | 'expired'): Promise<void> {
    const { batch } = state;
    await save(state, { status: 'finalizing', finalizing_at: nowSeconds() });
    const principal: Principal = { tenantId: batch.tenantId, keyId: `batch:${batch.id}` };
    const handler = BATCH_ENDPOINT_HANDLERS[batch.endpoint];
    const outputId = derivedFileId(batch.id, 'output');
    const errorId = derivedFileId(batch.id, 'error');
    const output = new JsonlUpload(deps.objects, fileKey(batch.tenantId, outputId));
    const failures = new JsonlUpload(deps.objects, fileKey(batch.tenantId, errorId));
    const unfinished = { code: ending === 'expired' ? 'batch_expired' : 'batch_cancelled', message: ending === 'expired' ? 'The batch expired before this request ran.' : 'The batch was cancelled before this request ran.' };
    let expanded = 0;
    try {
      for await (const page of store.jobs(batch.tenantId, batch.id)) {
        expanded += page.length;
        const views = await Promise.all(page.map((e) => deps.jobs.get(principal, e.jobId).catch(() => null)));
        for (const [i, job] of views.entries()) {
          const customId = page[i]!.customId;
          const id = `batch_req_${job?.id ?? page[i]!.jobId}`;
          const body = job?.status === 'completed' && job.result ? renderSafely(() => handler.render(job), logger) : null;
          if (job && body !== null) {
            await output.write({ id, custom_id: customId, response: { status_code: 200, request_id: job.id, body }, error: null });
            continue;
          }
          const error = !job ? { code: 'job_missing', message: 'The job record is gone (past retention).' } : job.status === 'completed' ? { code: 'render_failed', message: 'The result could not be written in this endpoint\'s format.' } : isTerminal(job.status) ? job.error! : unfinished;
          await failures.write({ id, custom_id: customId, response: null, error: { code: error.code, message: error.message } });
        }
      }
      // Lines never turned into jobs (the batch stopped first) are reported too, and refunded.
      if (expanded < batch.total) await reportUnexpanded(state, expanded, failures, unfinished);
    } catch (error) {
      output.abort(toAppError(error));
      failures.abort(toAppError(error));
      throw error;
    }
    const [written, failed] = await Promise.all([output.finish(), failures.finish()]);
    if (expanded < batch.total) await deps.allowance.refund(batch.tenantId, batch.total - expanded);
    const now = nowSeconds();
    const expiresAt = now + (batch.outputExpiresAfter ?? deps.fileRetentionSeconds);
    const record = async (id: string, name: string, stored: { key: string; size: number } | null) => {
      if (!stored) return null;
      const file: FileRecord = { id, tenantId: batch.tenantId, key: stored.key, bytes: stored.size, filename: `${batch.id}_${name}.jsonl`, purpose: 'batch_output', createdAt: now, expiresAt };
      await store.putFile(file);
      await scheduleFileExpiry(deps.batches, file);
      return id;
    };
    const at = nowSeconds();
    await save(state, {
      output_file_id: await record(outputId, 'output', written),
      error_file_id: await record(errorId, 'error', failed),
      status: ending,
      [`${ending}_at`]: at,
      finalCounts: { total: batch.total, completed: output.lines, failed: failures.lines },
    });
    await announce(state);
  }

  async function reportUnexpanded(state: BatchState, expanded: number, failures: JsonlUpload, error: { code: string; message: string }): Promise<void> {
    const file = await store.getFile(state.batch.tenantId, state.batch.input_file_id);
    if (!file) return;
    const { body } = await deps.objects.getStream({ key: file.key });
    let index = 0;
    try {
      for await (const { text } of linesOf(body)) {
        if (++index <= expanded) continue;
        const customId = String((JSON.parse(text) as { custom_id: unknown }).custom_id);
        await failures.write({ id: `batch_req_${state.batch.id}_${index}`, custom_id: customId, response: null, error });
      }
    } finally {
      body.destroy();
    }
  }

  async function run(job: Job<BatchStep>, token: string | undefined): Promise<void> {
    const { tenantId, batchId } = job.data;
    const state = await store.readBatch(tenantId, batchId);
    if (!state) return void logger.warn({ batchId }, 'batch record gone: its runner stops');
    const { batch } = state;
    // A re-run after the final save: only the event may still be owed (it is sent once).
    if (isFinalBatchStatus(batch.status)) return announce(state);
    const expired = nowSeconds() >= batch.expires_at;

    if (batch.status === 'validating') {
      if (state.cancelRequestedAt !== null) {
        await save(state, { status: 'cancelled', cancelling_at: state.cancelRequestedAt, cancelled_at: nowSeconds(), finalCounts: { total: 0, completed: 0, failed: 0 } });
        return announce(state);
      }
      const { total, problems } = await validate(state);
      if (problems.length) {
        await save(state, { status: 'failed', failed_at: nowSeconds(), errors: problems });
        return announce(state);
      }
      // The whole batch is charged up front, as OpenAI checks a batch against its limits
      // before running any of it: a batch never stops halfway for want of allowance.
      try {
        await deps.allowance.charge(tenantId, total, new Date(), `batch:${batchId}`);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'allowance_exhausted') throw error;
        await save(state, { status: 'failed', failed_at: nowSeconds(), errors: [{ code: error.code, message: error.message, line: null }] });
        return announce(state);
      }
      await save(state, { status: 'in_progress', in_progress_at: nowSeconds(), total });
    }
    const cancelled = state.cancelRequestedAt !== null;
    if (cancelled && batch.status === 'in_progress') await save(state, { status: 'cancelling', cancelling_at: state.cancelRequestedAt });
    const stopping = cancelled || expired;
    let progress = await store.progress(tenantId, batchId);
    if (!stopping && progress.expanded < batch.total) {
      await expand(state, progress.expanded);
      progress = await store.progress(tenantId, batchId);
    }
    // One sweep cancels every open job (the set is fixed: expansion stopped); later wake-ups
    // only wait for the counts to catch up instead of reading every job again.
    if (stopping && !batch.jobsCancelledAt) {
      await cancelJobs(state);
      if (!expired) await save(state, { jobsCancelledAt: nowSeconds() });
    }

    const ended = progress.completed + progress.failed + progress.cancelled;
    const allEnded = ended >= progress.expanded;
    // An expired batch finalizes whatever its jobs are doing: nothing may keep it open.
    if (expired) return finalize(state, 'expired');
    if (allEnded && (progress.expanded >= batch.total || stopping)) return finalize(state, cancelled ? 'cancelled' : 'completed');
    await job.moveToDelayed(Date.now() + deps.pollMs, token);
    throw new DelayedError();
  }

  async function expireFile(data: FileExpiry): Promise<void> {
    await deps.objects.delete({ key: fileKey(data.tenantId, data.fileId) });
    await store.deleteFile(data.tenantId, data.fileId);
  }

  return async function process(job: Job, token?: string): Promise<void> {
    if (job.name === 'expire-file') return expireFile(job.data as FileExpiry);
    return run(job as Job<BatchStep>, token);
  };
}

/** Labels a line's job with its custom_id, unless its metadata is already full. */
function withCustomId(submission: Submission, customId: string): Submission {
  const metadata = submission.metadata ?? {};
  if (Object.keys(metadata).length >= 32) return submission;
  return { ...submission, metadata: { ...metadata, customId } };
}

function renderSafely(render: () => unknown, logger: Logger): unknown {
  try {
    return render() ?? null;
  } catch (error) {
    logger.warn({ err: error }, 'batch output line could not be rendered');
    return null;
  }
}
