import { WaitingChildrenError, type Job } from 'bullmq';
import type { JobPayloadOf, JobType } from '@voxq/contracts';
import type { JobStore, NewJobFields } from '@voxq/job-store';
import type { ReplyStreamWriter } from '@voxq/job-stream';
import type { QueuedJob } from '@voxq/queues';
import { runKindHandler, type HandlerOutput, type JobContext, type Suspension, type ToolLoopState } from '@voxq/job-kinds';
import type { JobLifecycle } from './job-lifecycle';
import { ToolDispatch } from './tool-dispatch';

/** Where an attempt starts from, once its record says it runs. */
export type AttemptStart =
  | { kind: 'terminal' }
  | {
      kind: 'started';
      attempt: number;
      /** Someone listens to the job's live events (`JobStore.watch`). */
      watched: boolean;
      /** The `complete` payload of a job with server-side tools (it has a loop to resume), else null. */
      complete: JobPayloadOf<'complete'> | null;
      /** Its saved tool loop, back from waiting for its calls; null on a fresh start. */
      toolLoop: ToolLoopState | null;
      /** Calls of the loop with no answer (lost, or never sent before a crash). */
      missing: Suspension['calls'];
    };

/**
 * Claims the attempt: a `complete` job back from waiting for its tool calls continues the
 * same attempt (no attempt counted); anything else starts one. `terminal`: the job already
 * ended (a re-run after a crash or stall), nothing is to run.
 */
export async function startJobAttempt(deps: { store: JobStore; tools: ToolDispatch }, job: Job<QueuedJob>, fields: NewJobFields): Promise<AttemptStart> {
  const { payload } = job.data;
  // Only jobs with server-side tools have a loop to resume: the rest skip the Redis reads.
  const complete = payload.type === 'complete' && payload.input.tools?.some((t) => t.executionMode !== 'inline') ? payload : null;
  const resumed = complete ? await deps.tools.resume(job, complete) : { state: null, missing: [] };
  const started = await deps.store.start(fields, { countAttempt: !resumed.state?.awaiting });
  if (started.kind === 'terminal') return { kind: 'terminal' };
  return { kind: 'started', attempt: started.attempt, watched: started.watched, complete, toolLoop: resumed.state, missing: resumed.missing };
}

/**
 * Runs the handler until it has a result, sending its tool calls whenever it suspends.
 * Throws `WaitingChildrenError` when the job now waits for calls (it holds no worker).
 */
export async function runJobHandler(
  deps: Pick<JobContext, 'router' | 'storage'> & { tools: ToolDispatch; streams?: ReplyStreamWriter },
  job: Job<QueuedJob>,
  token: string | undefined,
  start: Extract<AttemptStart, { kind: 'started' }>,
  ctx: Pick<JobContext, 'signal' | 'logger'>,
  lifecycle: JobLifecycle,
): Promise<HandlerOutput<JobType>> {
  const { tenantId, payload } = job.data;
  const streamed = payload.type === 'complete' && payload.input.stream === true;
  let toolLoop = start.toolLoop;
  if (toolLoop && start.missing.length > 0) {
    // Back after a crash before the calls went out (or with calls lost): send them again.
    if (await deps.tools.suspend(job, token, tenantId, { state: toolLoop, calls: start.missing }, streamed)) throw new WaitingChildrenError();
    ToolDispatch.markLost(toolLoop, (await deps.tools.resume(job, start.complete!)).missing);
  }
  const onProviderAttempt = lifecycle.providerListener();
  // Only a job someone may read as it is made asks its providers to stream.
  const deltas = deps.streams && streamed ? deps.streams.forJob(job.id!) : undefined;
  for (;;) {
    const output = await runKindHandler(payload, {
      jobId: job.id!,
      tenantId,
      attempt: start.attempt,
      signal: ctx.signal,
      logger: ctx.logger,
      router: deps.router,
      storage: deps.storage,
      ...(toolLoop ? { toolLoop } : {}),
      ...(onProviderAttempt ? { onProviderAttempt } : {}),
      ...(deltas ? { deltas } : {}),
    });
    if (!('suspend' in output)) return output;
    lifecycle.toolCalls(output.suspend);
    if (await deps.tools.suspend(job, token, tenantId, output.suspend, streamed)) throw new WaitingChildrenError();
    // Nothing to wait for (only background calls, or the answers are already in).
    toolLoop = (await deps.tools.resume(job, start.complete!)).state;
  }
}
