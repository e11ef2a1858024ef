import { isTerminal } from '@voxq/contracts';
import { toAppError } from '@voxq/errors';
import { derivedFileId, type FileRecord } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { withFreshAudioLink } from './batch-audio-links';
import { BATCH_ENDPOINT_HANDLERS } from './batch-endpoints';
import { scheduleFileExpiry } from './batch-file-expiry';
import { fileKey, JsonlUpload } from './batch-files';
import { linesOf } from './batch-lines';
import type { BatchRunnerDeps } from './batch-runner-deps';
import { announceBatch, saveBatch } from './batch-state';
import type { BatchState } from './batch-view';
import { nowSeconds } from './batch-view';
import { jobViewsOf, type BatchEnding } from './batch-watch';

export type FinalizeDeps = Pick<BatchRunnerDeps, 'store' | 'jobs' | 'objects' | 'queues' | 'webhooks' | 'allowance' | 'logger' | 'fileRetentionSeconds'>;

type LineError = { code: string; message: string };

/**
 * Writes the output and error files, then the final status and its webhook event. Safe to
 * re-run: a step that throws half-way leaves no file behind (both uploads are aborted) and
 * BullMQ runs it again.
 */
export async function finalizeBatch(deps: FinalizeDeps, state: BatchState, ending: BatchEnding): Promise<void> {
  const { batch } = state;
  await saveBatch(deps, state, { status: 'finalizing', finalizing_at: nowSeconds() });
  const handler = BATCH_ENDPOINT_HANDLERS[batch.endpoint];
  const outputId = derivedFileId(batch.id, 'output');
  const errorId = derivedFileId(batch.id, 'error');
  const output = new JsonlUpload(deps.objects, fileKey(batch.tenantId, outputId));
  const failures = new JsonlUpload(deps.objects, fileKey(batch.tenantId, errorId));
  const unfinished: LineError =
    ending === 'expired'
      ? { code: 'batch_expired', message: 'The batch expired before this request ran.' }
      : { code: 'batch_cancelled', message: 'The batch was cancelled before this request ran.' };
  let expanded = 0;
  try {
    for await (const page of deps.store.jobs(batch.tenantId, batch.id)) {
      expanded += page.length;
      const views = await jobViewsOf(deps, batch, page);
      for (const [i, job] of views.entries()) {
        const customId = page[i]!.customId;
        const id = `batch_req_${job?.id ?? page[i]!.jobId}`;
        const body =
          job?.status === 'completed' && job.result
            ? await renderSafely(() => handler.render(job, { objects: deps.objects, tenantId: batch.tenantId }), deps.logger)
            : null;
        if (job && body !== null) {
          const lasting = await withFreshAudioLink(deps.objects, body);
          await output.write({ id, custom_id: customId, response: { status_code: 200, request_id: job.id, body: lasting }, error: null });
          continue;
        }
        const error: LineError = !job
          ? { code: 'job_missing', message: 'The job record is gone (past retention).' }
          : job.status === 'completed'
            ? { code: 'render_failed', message: "The result could not be written in this endpoint's format." }
            : isTerminal(job.status)
              ? job.error!
              : unfinished;
        await failures.write({ id, custom_id: customId, response: null, error: { code: error.code, message: error.message } });
      }
    }
    // Lines never turned into jobs (the batch stopped first) are reported too, and refunded.
    if (expanded < batch.total) await reportUnexpanded(deps, state, expanded, failures, unfinished);
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
    const file: FileRecord = {
      id,
      tenantId: batch.tenantId,
      key: stored.key,
      bytes: stored.size,
      filename: `${batch.id}_${name}.jsonl`,
      purpose: 'batch_output',
      createdAt: now,
      expiresAt,
    };
    await deps.store.putFile(file);
    await scheduleFileExpiry(deps.queues, file);
    return id;
  };
  const at = nowSeconds();
  await saveBatch(deps, state, {
    output_file_id: await record(outputId, 'output', written),
    error_file_id: await record(errorId, 'error', failed),
    status: ending,
    [`${ending}_at`]: at,
    finalCounts: { total: batch.total, completed: output.lines, failed: failures.lines },
  });
  await announceBatch(deps, state);
}

/** The error lines of input lines that never became jobs (from line `expanded`+1 on). */
async function reportUnexpanded(
  deps: Pick<BatchRunnerDeps, 'store' | 'objects'>,
  state: BatchState,
  expanded: number,
  failures: JsonlUpload,
  error: LineError,
): Promise<void> {
  const file = await deps.store.getFile(state.batch.tenantId, state.batch.input_file_id);
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

async function renderSafely(render: () => unknown, logger: Logger): Promise<unknown> {
  try {
    return (await render()) ?? null;
  } catch (error) {
    logger.warn({ err: error }, 'batch output line could not be rendered');
    return null;
  }
}
