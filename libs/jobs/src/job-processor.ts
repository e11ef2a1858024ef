import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job, type Queue } from 'bullmq';
import { queuedJobSchema, type JobPayload, type JobType } from '@voxq/contracts';
import { isDropJob, type DropOutput } from '@voxq/drops';
import { toAppError, type AppError } from '@voxq/errors';
import { newJobFields, toJobView, type JobEventPublisher, type JobRecord, type JobStore, type NewJobFields } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordJobAttempt } from '@voxq/metrics';
import type { ProviderAttempt, ProviderRouter } from '@voxq/providers';
import { enqueueJobEvent } from '@voxq/webhooks';
import type { HandlerOutput, JobContext, JobStorage, Suspension } from './job-kind';
import { JOB_KINDS } from './job-kinds';
import { ToolDispatch } from './tool-dispatch';
import type { ToolLoopState } from './tool-loop';

export interface ProcessorDeps {
  store: JobStore;
  storage: JobStorage;
  router: ProviderRouter;
  webhooks: Queue;
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
}

/** What BullMQ keeps as the job's return value; the result itself lives in the record. */
export interface ProcessorOutcome {
  status: 'completed' | 'failed' | 'cancelled' | 'skipped';
}

type Outcome = HandlerOutput<JobType> | { suspend: Suspension };

async function runHandler(payload: JobPayload, ctx: JobContext): Promise<Outcome> {
  // The union is narrowed by `type`; TypeScript cannot see through the lookup, so help it once.
  const kind = JOB_KINDS[payload.type] as { handle(p: JobPayload, c: JobContext): Promise<Outcome> };
  return kind.handle(payload, ctx);
}

/**
 * The BullMQ edge of every job kind. It owns the job's record: marks the attempt started,
 * runs the handler, stores the result or the error, and queues the webhook event. Errors
 * steer the queue: a terminal one (or the last attempt) fails the record and becomes an
 * `UnrecoverableError`; a retryable one is rethrown so BullMQ backs off and retries.
 */
export function createJobProcessor(deps: ProcessorDeps) {
  const { store, logger } = deps;

  return async function process(job: Job, token?: string): Promise<ProcessorOutcome> {
    const id = job.id!;
    const parsed = queuedJobSchema.safeParse(job.data);
    if (!parsed.success) {
      // Nothing a retry can mend: the payload in Redis is not one we wrote.
      logger.error({ jobId: id, issues: parsed.error.issues }, 'invalid job payload');
      throw new UnrecoverableError(`invalid job payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    }
    const data = parsed.data;
    const fields = newJobFields(id, data);
    const log = logger.child({ jobId: id, tenantId: data.tenantId, type: fields.type, ...(data.requestId ? { requestId: data.requestId } : {}) });

    // A `complete` job back from waiting for its tool calls continues the same attempt.
    // Only jobs with server-side tools have a loop to resume: the rest skip the Redis reads.
    const complete = data.payload.type === 'complete' && data.payload.input.tools?.some((t) => t.executionMode !== 'inline') ? data.payload : null;
    const resumed = complete ? await deps.tools.resume(job, complete) : { state: null, missing: [] };
    const started = await store.start(fields, { countAttempt: !resumed.state?.awaiting });
    if (started.kind === 'terminal') {
      // A re-run after a crash or stall: the outcome is already decided. Re-queue its event
      // (same event id, so receivers see at most a duplicate delivery, never a new result).
      const record = await store.read(id);
      if (record) await notify(deps, record);
      await writeDropOutput(deps, fields, record);
      return { status: 'skipped' };
    }

    const events = deps.events;
    if (!resumed.state?.awaiting) events?.publish(id, { type: 'started', attempt: started.attempt });
    const onProviderAttempt = events ? (a: ProviderAttempt) => events.publish(id, { type: 'provider_attempt', ...a }) : undefined;
    const controller = new AbortController();
    deps.running.set(id, controller);
    const startedAt = Date.now();
    const seconds = () => (Date.now() - startedAt) / 1000;
    try {
      let toolLoop: ToolLoopState | null = resumed.state;
      if (toolLoop && resumed.missing.length > 0) {
        // Back after a crash before the calls went out (or with calls lost): send them again.
        if (await deps.tools.suspend(job, token, data.tenantId, { state: toolLoop, calls: resumed.missing })) throw new WaitingChildrenError();
        ToolDispatch.markLost(toolLoop, (await deps.tools.resume(job, complete!)).missing);
      }
      let output: Outcome;
      for (;;) {
        output = await runHandler(data.payload, {
          jobId: id,
          tenantId: data.tenantId,
          attempt: started.attempt,
          signal: controller.signal,
          logger: log,
          router: deps.router,
          storage: deps.storage,
          ...(toolLoop ? { toolLoop } : {}),
          ...(onProviderAttempt ? { onProviderAttempt } : {}),
        });
        if (!('suspend' in output)) break;
        events?.publish(id, { type: 'tool_calls', hop: output.suspend.state.hop, calls: output.suspend.calls.map(({ call }) => ({ id: call.id, name: call.name })) });
        if (await deps.tools.suspend(job, token, data.tenantId, output.suspend)) throw new WaitingChildrenError();
        // Nothing to wait for (only background calls, or the answers are already in).
        toolLoop = (await deps.tools.resume(job, complete!)).state;
      }
      const result = {
        ...output.result,
        timings: {
          queuedMs: Math.max(0, startedAt - Date.parse(data.createdAt)),
          processingMs: Date.now() - startedAt,
          providerMs: output.providerMs,
        },
      };
      const outcome = await store.complete(fields, result, { returnRecord: await wantsEvent(deps, fields) });
      if (outcome.kind !== 'ok') {
        log.info({ status: outcome.kind === 'rejected' ? outcome.current : 'missing' }, 'result discarded: job no longer active');
        await notifyFinished(deps, fields);
        recordJobAttempt(fields.type, output.result.provider, 'cancelled', seconds());
        return { status: 'cancelled' };
      }
      recordJobAttempt(fields.type, output.result.provider, 'completed', seconds());
      if (outcome.record) await notify(deps, outcome.record);
      await writeDropOutput(deps, fields);
      if (complete) await deps.tools.clear(id);
      return { status: 'completed' };
    } catch (thrown) {
      if (thrown instanceof WaitingChildrenError) throw thrown;
      if (controller.signal.aborted) {
        recordJobAttempt(fields.type, undefined, 'cancelled', seconds());
        await notifyFinished(deps, fields);
        return { status: 'cancelled' };
      }
      const error = toAppError(thrown);
      if (error.code === 'providers_busy' && error.retryAt !== undefined && token) {
        // Nothing failed: every provider is cooling down or at its limit. The job waits in
        // the queue until one is usable, without holding this worker or using an attempt.
        log.info({ until: new Date(error.retryAt).toISOString(), reason: error.message }, 'job delayed: providers busy');
        events?.publish(id, { type: 'waiting', until: new Date(error.retryAt).toISOString(), reason: error.message });
        recordJobAttempt(fields.type, undefined, 'delayed', seconds());
        await store.requeue(fields);
        await job.moveToDelayed(error.retryAt, token);
        throw new DelayedError();
      }
      const attempts = job.opts.attempts ?? 1;
      const final = !error.retryable || job.attemptsMade + 1 >= attempts;
      log.warn({ err: error, code: error.code, attempt: started.attempt, final }, 'job attempt failed');
      recordJobAttempt(fields.type, undefined, final ? 'failed' : 'retry', seconds());
      events?.publish(id, { type: 'attempt_failed', attempt: started.attempt, error: { code: error.code, message: error.message }, willRetry: !final });
      if (!final) throw error;
      await failJob(deps, fields, error);
      throw new UnrecoverableError(error.message);
    } finally {
      deps.running.delete(id);
    }
  };
}

/** A finished job has an event to send when it has its own webhook or its tenant has endpoints. */
async function wantsEvent(deps: Pick<ProcessorDeps, 'hasEndpoints'>, fields: NewJobFields): Promise<boolean> {
  return fields.webhook !== null || (await deps.hasEndpoints(fields.tenantId));
}

/** Queues the webhook event of a finished job (a no-op for jobs without a webhook). */
async function notify(deps: Pick<ProcessorDeps, 'webhooks'>, record: JobRecord): Promise<void> {
  await enqueueJobEvent(deps.webhooks, record.tenantId, toJobView(record), record.requestId);
}

/**
 * The job was finished by someone else meanwhile (a cancel): queue its event again. The
 * canceller queues it too, but after its status change, so a Redis failure in between (the
 * client then sees a 5xx, and a repeat of its DELETE a 409) would leave the job without its
 * `job.cancelled` webhook for ever. Same event id, so this is a no-op when it was queued.
 */
async function notifyFinished(deps: Pick<ProcessorDeps, 'store' | 'webhooks' | 'hasEndpoints'>, fields: NewJobFields): Promise<void> {
  if (!(await wantsEvent(deps, fields))) return;
  const record = await deps.store.read(fields.id);
  if (record && ['completed', 'failed', 'cancelled'].includes(record.status)) await notify(deps, record);
}

/** Fails a job's record and queues its `job.failed` event, unless it already finished. */
export async function failJob(deps: Pick<ProcessorDeps, 'store' | 'webhooks' | 'hasEndpoints' | 'drops'>, fields: NewJobFields, error: AppError): Promise<void> {
  const outcome = await deps.store.fail(fields, error.toJSON(), { returnRecord: await wantsEvent(deps, fields) });
  if (outcome.kind === 'ok' && outcome.record) await notify(deps, outcome.record);
  else if (outcome.kind === 'rejected') await notifyFinished(deps, fields);
  await writeDropOutput(deps, fields);
}

/**
 * A bucket drop's job finished: its outputs go to the rule's output prefix. A failure here
 * throws, so BullMQ retries and the re-run (finding the job terminal) writes them again.
 */
async function writeDropOutput(deps: Pick<ProcessorDeps, 'store' | 'drops'>, fields: NewJobFields, record?: JobRecord | null): Promise<void> {
  if (!deps.drops || !isDropJob(fields.metadata)) return;
  const finished = record ?? (await deps.store.read(fields.id));
  if (finished) await deps.drops.write(finished);
}
