import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { JobType } from '@voxq/contracts';
import { isDropJob, type DropOutput } from '@voxq/drops';
import type { AppError } from '@voxq/errors';
import { toJobView, type JobRecord, type JobStore, type NewJobFields } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { QueuedJob } from '@voxq/queues';
import type { UsageMeter } from '@voxq/usage';
import { enqueueJobEvent, type WebhookQueueContext } from '@voxq/webhooks';
import type { HandlerOutput } from '@voxq/job-kinds';
import type { JobLifecycle } from './job-lifecycle';
import type { ToolDispatch } from './tool-dispatch';

/** What finishing a job touches: its record, its usage, its webhook event, its drop output. */
export interface FinishDeps {
  store: JobStore;
  /** Says what a completed job used (`GET /v1/usage`); its record adds it as it completes. */
  meter: Pick<UsageMeter, 'counters'>;
  /** The `webhooks` queue and its stores: finished jobs' events go there. */
  webhooks: WebhookQueueContext;
  /** Whether a tenant has webhook endpoints (then every job of it gets events). */
  hasEndpoints: (tenantId: string) => Promise<boolean>;
  /** Bucket drops: writes a drop's outputs when its job finishes (absent: none written). */
  drops?: DropOutput;
  tools: ToolDispatch;
}

/** A finished job has an event to send when it has its own webhook or its tenant has endpoints. */
async function wantsEvent(deps: Pick<FinishDeps, 'hasEndpoints'>, fields: NewJobFields): Promise<boolean> {
  return fields.webhook !== null || (await deps.hasEndpoints(fields.tenantId));
}

/** Queues the webhook event of a finished job (a no-op for jobs without a webhook). */
async function notify(deps: Pick<FinishDeps, 'webhooks'>, record: JobRecord): Promise<void> {
  await enqueueJobEvent(deps.webhooks, record.tenantId, toJobView(record), record.requestId);
}

/**
 * The job was finished by someone else meanwhile (a cancel): queue its event again. The
 * canceller queues it too, but after its status change, so a Redis failure in between (the
 * client then sees a 5xx, and a repeat of its DELETE a 409) would leave the job without its
 * `job.cancelled` webhook for ever. Same event id, so this is a no-op when it was queued.
 */
export async function notifyFinished(deps: Pick<FinishDeps, 'store' | 'webhooks' | 'hasEndpoints'>, fields: NewJobFields): Promise<void> {
  if (!(await wantsEvent(deps, fields))) return;
  const record = await deps.store.get(fields.tenantId, fields.id);
  if (record && ['completed', 'failed', 'cancelled'].includes(record.status)) await notify(deps, record);
}

/**
 * A bucket drop's job finished: its outputs go to the rule's output prefix. A failure here
 * throws, so BullMQ retries and the re-run (finding the job terminal) writes them again.
 */
async function writeDropOutput(deps: Pick<FinishDeps, 'store' | 'drops'>, fields: NewJobFields, record?: JobRecord | null): Promise<void> {
  if (!deps.drops || !isDropJob(fields.metadata)) return;
  const finished = record ?? (await deps.store.get(fields.tenantId, fields.id));
  if (finished) await deps.drops.write(finished);
}

/**
 * A re-run after a crash or stall found the outcome already decided: re-queue its event (same
 * event id, so receivers see at most a duplicate delivery, never a new result) and its drop
 * output. Its usage was counted in the step that completed it.
 */
export async function replayFinished(deps: Pick<FinishDeps, 'store' | 'webhooks' | 'drops'>, fields: NewJobFields): Promise<void> {
  const record = await deps.store.get(fields.tenantId, fields.id);
  if (record) await notify(deps, record);
  await writeDropOutput(deps, fields, record);
}

/** Fails a job's record and queues its `job.failed` event, unless it already finished. */
export async function failJob(deps: Pick<FinishDeps, 'store' | 'webhooks' | 'hasEndpoints' | 'drops'>, fields: NewJobFields, error: AppError): Promise<void> {
  const outcome = await deps.store.fail(fields, error.toJSON(), { returnRecord: await wantsEvent(deps, fields) });
  if (outcome.kind === 'ok' && outcome.record) await notify(deps, outcome.record);
  else if (outcome.kind === 'rejected') await notifyFinished(deps, fields);
  await writeDropOutput(deps, fields);
}

/**
 * Stores a handler's result (with its timings) and sends what follows from it: the event,
 * the drop output, the tool loop's cleanup. `cancelled` when the record was no longer active
 * (a cancel won): the result is discarded.
 */
export async function completeJob(
  deps: FinishDeps,
  fields: NewJobFields,
  data: Pick<QueuedJob, 'createdAt'>,
  output: HandlerOutput<JobType>,
  lifecycle: JobLifecycle,
  log: Logger,
  hasToolLoop: boolean,
): Promise<'completed' | 'cancelled'> {
  const result = {
    ...output.result,
    timings: {
      queuedMs: Math.max(0, lifecycle.began - Date.parse(data.createdAt)),
      processingMs: Date.now() - lifecycle.began,
      providerMs: output.providerMs,
    },
  };
  const finishedAt = new Date();
  // The usage is counted in the same step as the result is stored: once, whatever re-runs follow.
  const counters = deps.meter.counters({ id: fields.id, tenantId: fields.tenantId, type: fields.type, finishedAt, result });
  // The provider calls' events still held go with the result (a batch's job stores it alone: sent first).
  if (fields.batchId) lifecycle.flushHeld();
  const events = lifecycle.takeHeld();
  const outcome = await deps.store.complete(fields, result, { returnRecord: await wantsEvent(deps, fields), counters, events }, finishedAt);
  if (outcome.kind !== 'ok') {
    log.info({ status: outcome.kind === 'rejected' ? outcome.current : 'missing' }, 'result discarded: job no longer active');
    await notifyFinished(deps, fields);
    lifecycle.ended('cancelled', output.result.provider);
    return 'cancelled';
  }
  lifecycle.ended('completed', output.result.provider);
  if (outcome.record) await notify(deps, outcome.record);
  await writeDropOutput(deps, fields);
  if (hasToolLoop) await deps.tools.clear(fields.id);
  return 'completed';
}

/**
 * Steers the queue after a failed attempt; always throws. Every provider busy: the job
 * waits, delayed until one is usable, without holding this worker or using an attempt
 * (`DelayedError`). A retryable error before the last attempt is rethrown (BullMQ backs off
 * and retries); a terminal one, or the last attempt, fails the record and becomes an
 * `UnrecoverableError`.
 */
export async function settleFailure(
  deps: Pick<FinishDeps, 'store' | 'webhooks' | 'hasEndpoints' | 'drops'>,
  job: Pick<Job, 'attemptsMade' | 'opts' | 'moveToDelayed'>,
  token: string | undefined,
  fields: NewJobFields,
  attempt: number,
  error: AppError,
  lifecycle: JobLifecycle,
  log: Logger,
): Promise<never> {
  if (error.code === 'providers_busy' && error.retryAt !== undefined && token) {
    log.info({ until: new Date(error.retryAt).toISOString(), reason: error.message }, 'job delayed: providers busy');
    lifecycle.waiting(error.retryAt, error.message);
    lifecycle.ended('delayed');
    await deps.store.requeue(fields);
    await job.moveToDelayed(error.retryAt, token);
    throw new DelayedError();
  }
  const attempts = job.opts.attempts ?? 1;
  const final = !error.retryable || job.attemptsMade + 1 >= attempts;
  log.warn({ err: error, code: error.code, attempt, final }, 'job attempt failed');
  lifecycle.ended(final ? 'failed' : 'retry');
  lifecycle.attemptFailed(attempt, error, !final);
  if (!final) throw error;
  await failJob(deps, fields, error);
  throw new UnrecoverableError(error.message);
}
