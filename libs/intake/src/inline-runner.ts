import type { Principal } from '@voxq/auth';
import type { JobView } from '@voxq/contracts';
import { errors, toAppError } from '@voxq/errors';
import { runKindHandler, type JobStorage } from '@voxq/job-kinds';
import type { SerializedError } from '@voxq/errors';
import { newJobFields, toJobView, type CounterIncrements, type NewJobFields } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordJobAttempt } from '@voxq/metrics';
import type { ProviderRouter } from '@voxq/providers';
import type { UsageMeter } from '@voxq/usage';
import { enqueueJobEvent, type WebhookQueueContext } from '@voxq/webhooks';
import type { JobService, Submission } from './job-service';

export interface InlineRunnerDeps {
  /** Admits the call (checks, charge) and writes its job as it ends. */
  jobs: JobService;
  meter: Pick<UsageMeter, 'counters'>;
  router: ProviderRouter;
  storage: JobStorage;
  /** The `webhooks` queue and its stores: a finished call's event goes there, as a worker's would. */
  webhooks: WebhookQueueContext;
  /** Whether a tenant has webhook endpoints (then every job of it gets events). */
  hasEndpoints: (tenantId: string) => Promise<boolean>;
  logger: Logger;
  /** Most calls run at once in this process (`API_INLINE_MAX`); past it they are queued. */
  max: number;
}

/**
 * Runs a synchronous call's job in the api process itself (docs/architecture.md,
 * "Synchronous calls"): the kind's handler calls the provider here, with the router's
 * failover, and the job is written once, as it ends (`JobStore.recordFinished`), with its
 * usage and its webhook event. No queue, no worker, no record to watch: a call costs a few
 * Redis commands instead of some forty, and answers as soon as its provider does.
 *
 * Its id is given out only with the answer, so until then there is nothing to read, cancel or
 * lose: if this process dies mid-call, its client's connection dies with it and no job exists.
 * `run` answers null when the call should go to the queue instead: every slot here is taken,
 * or its one try failed in a way a retry or a wait may mend (a busy or failing provider), so
 * the queue's retries and backoff take it from there as a new job.
 */
export class InlineRunner {
  private running = 0;

  constructor(private readonly deps: InlineRunnerDeps) {}

  /** Whether a slot is free (checked before the call is charged, so a queued one is charged once). */
  hasRoom(): boolean {
    return this.running < this.deps.max;
  }

  /** The finished job (completed, failed or cancelled), or null: queue it (charged already). */
  async run(principal: Principal, submission: Submission, options: { requestId?: string; signal: AbortSignal }): Promise<JobView | null> {
    // The slot is taken before the admission's awaits, so calls arriving together cannot pass the bound.
    this.running += 1;
    try {
      return await this.admitAndRun(principal, submission, options);
    } finally {
      this.running -= 1;
    }
  }

  private async admitAndRun(principal: Principal, submission: Submission, options: { requestId?: string; signal: AbortSignal }): Promise<JobView | null> {
    const { id, data } = await this.deps.jobs.admitInline(principal, submission, options.requestId === undefined ? {} : { requestId: options.requestId });
    const fields = newJobFields(id, data);
    const log = this.deps.logger.child({
      jobId: id,
      tenantId: data.tenantId,
      type: fields.type,
      inline: true,
      ...(data.requestId ? { requestId: data.requestId } : {}),
    });
    const startedAt = new Date();
    const seconds = () => (Date.now() - startedAt.getTime()) / 1000;
    try {
      const output = await runKindHandler(data.payload, {
        jobId: id,
        tenantId: data.tenantId,
        attempt: 1,
        signal: options.signal,
        logger: log,
        router: this.deps.router,
        storage: this.deps.storage,
      });
      // Only calls without server-side tools run here: nothing can suspend.
      if ('suspend' in output) throw errors.internal('A synchronous call run inline asked to wait for tool calls.');
      const finishedAt = new Date();
      const result = { ...output.result, timings: { queuedMs: 0, processingMs: finishedAt.getTime() - startedAt.getTime(), providerMs: output.providerMs } };
      const counters = this.deps.meter.counters({ id, tenantId: data.tenantId, type: fields.type, finishedAt, result });
      const view = await this.end(fields, { status: 'completed', result }, { startedAt, finishedAt, counters });
      log.info({ provider: output.result.provider, ms: Math.round(seconds() * 1000) }, 'job ran inline: completed');
      recordJobAttempt(fields.type, output.result.provider, 'completed', seconds());
      return view;
    } catch (thrown) {
      const error = toAppError(thrown);
      if (options.signal.aborted) {
        recordJobAttempt(fields.type, undefined, 'cancelled', seconds());
        log.info('job ran inline: its client went away');
        return this.end(fields, { status: 'cancelled', error: errors.cancelled().toJSON() }, { startedAt, finishedAt: new Date() });
      }
      if (error.retryable || error.code === 'providers_busy') {
        recordJobAttempt(fields.type, undefined, 'retry', seconds());
        log.info({ code: error.code }, 'job ran inline: failed in a way a retry may mend, queued');
        return null;
      }
      recordJobAttempt(fields.type, undefined, 'failed', seconds());
      log.warn({ err: error, code: error.code }, 'job ran inline: failed');
      return this.end(fields, { status: 'failed', error: error.toJSON() }, { startedAt, finishedAt: new Date() });
    }
  }

  /**
   * Writes the job as it ended and queues its webhook event when it has one to send: it has a
   * webhook, or its tenant has endpoints, asked while the record is written (as a worker asks
   * before it completes a job), not after. Its view.
   */
  private async end(
    fields: NewJobFields,
    end: { status: 'completed'; result: unknown } | { status: 'failed' | 'cancelled'; error: SerializedError },
    times: { startedAt: Date; finishedAt: Date; counters?: CounterIncrements | null },
  ): Promise<JobView> {
    const wanted = fields.webhook ? Promise.resolve(true) : this.deps.hasEndpoints(fields.tenantId);
    wanted.catch(() => undefined); // read after the write: no unhandled rejection meanwhile
    const record = await this.deps.jobs.recordInline(fields, end, times);
    const view = toJobView(record);
    if (await wanted) await enqueueJobEvent(this.deps.webhooks, record.tenantId, view, record.requestId);
    return view;
  }
}
