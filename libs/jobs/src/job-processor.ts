import { WaitingChildrenError, type Job } from 'bullmq';
import type { WebhookQueueContext } from '@voxq/webhooks';
import type { DropOutput } from '@voxq/drops';
import { toAppError } from '@voxq/errors';
import { newJobFields, type JobEventPublisher, type JobStore } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRouter } from '@voxq/providers';
import type { QueuedJob } from '@voxq/queues';
import type { UsageMeter } from '@voxq/usage';
import { completeJob, notifyFinished, replayFinished, settleFailure } from './job-finish';
import type { ReplyStreamWriter } from '@voxq/job-stream';
import type { JobStorage } from '@voxq/job-kinds';
import { JobLifecycle } from './job-lifecycle';
import { runJobHandler, startJobAttempt } from './job-run';
import type { ToolDispatch } from './tool-dispatch';

export { failJob } from './job-finish';

export interface ProcessorDeps {
  store: JobStore;
  /** Counts what completed jobs used (`GET /v1/usage`), once per job. */
  meter: Pick<UsageMeter, 'counters'>;
  storage: JobStorage;
  router: ProviderRouter;
  /** The `webhooks` queue and its stores: finished jobs' events go there. */
  webhooks: WebhookQueueContext;
  /** Webhook-mode tool calls of `complete` jobs. */
  tools: ToolDispatch;
  /** Whether a tenant has webhook endpoints (then every job of it gets events). */
  hasEndpoints: (tenantId: string) => Promise<boolean>;
  logger: Logger;
  /** Live attempts by job id, so a cancel message can abort one. */
  running: Map<string, AbortController>;
  /** Bucket drops: writes a drop's outputs when its job finishes (absent: none written). */
  drops?: DropOutput;
  /** Live job events (`GET /v1/jobs/:id/events`); absent: none published. */
  events?: JobEventPublisher;
  /** Streamed jobs' replies as they are made; absent: providers are not asked to stream. */
  streams?: ReplyStreamWriter;
}

/** What BullMQ keeps as the job's return value; the result itself lives in the record. */
export interface ProcessorOutcome {
  status: 'completed' | 'failed' | 'cancelled' | 'skipped';
}

/**
 * The BullMQ edge of every job kind, given jobs the queue catalog already parsed. It owns
 * the job's record, in steps that are units of their own: claim the attempt
 * (`startJobAttempt`), run the kind's handler (`runJobHandler`), then store the result
 * (`completeJob`) or steer the queue with the error (`settleFailure`: a terminal one, or
 * the last attempt, fails the record and becomes an `UnrecoverableError`; a retryable one
 * is rethrown so BullMQ backs off and retries). `JobLifecycle` tells events and metrics.
 */
export function createJobProcessor(deps: ProcessorDeps) {
  const { logger } = deps;

  return async function process(job: Job<QueuedJob>, token?: string): Promise<ProcessorOutcome> {
    const id = job.id!;
    const data = job.data;
    const fields = newJobFields(id, data);
    const log = logger.child({ jobId: id, tenantId: data.tenantId, type: fields.type, ...(data.requestId ? { requestId: data.requestId } : {}) });

    const start = await startJobAttempt(deps, job, fields);
    if (start.kind === 'terminal') {
      await replayFinished(deps, fields);
      return { status: 'skipped' };
    }

    const lifecycle = new JobLifecycle(id, fields.type, deps.events, log, start.watched);
    if (!start.toolLoop?.awaiting) lifecycle.started(start.attempt);
    const controller = new AbortController();
    deps.running.set(id, controller);
    try {
      const output = await runJobHandler(deps, job, token, start, { signal: controller.signal, logger: log }, lifecycle);
      const status = await completeJob(deps, fields, data, output, lifecycle, log, start.complete !== null);
      return { status };
    } catch (thrown) {
      if (thrown instanceof WaitingChildrenError) throw thrown;
      if (controller.signal.aborted) {
        lifecycle.ended('cancelled');
        await notifyFinished(deps, fields);
        return { status: 'cancelled' };
      }
      return await settleFailure(deps, job, token, fields, start.attempt, toAppError(thrown), lifecycle, log);
    } finally {
      deps.running.delete(id);
    }
  };
}
