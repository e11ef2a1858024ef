import type { Job, Queue } from 'bullmq';
import type { JobPayloadOf, ToolCallAnswer, WebhookToolSource } from '@voxq/contracts';
import { enqueue, QUEUE_CATALOG } from '@voxq/queues';
import { toolCallJobId, type ServerToolCall, type Suspension, type ToolLoopState, type ToolLoopStore } from '@voxq/job-kinds';

/**
 * The BullMQ side of the tool loop: webhook tool calls become child jobs of the `complete`
 * job on the `tools` queue (the dispatcher runs them), and the `complete` job moves to
 * waiting-children, so it holds no worker until they answer. Child ids are derived from
 * the call, so re-sending after a crash never calls a tool twice.
 */
export class ToolDispatch {
  /**
   * `tools` is the `tools` queue a job's calls go to: its own shard's (BullMQ children share
   * their parent's slot), or one queue for a single-shard setup.
   */
  constructor(
    private readonly tools: Queue | ((job: Job) => Queue),
    private readonly loops: ToolLoopStore,
  ) {}

  /**
   * A `complete` job's saved loop, with its current hop's answers filled in from the
   * finished child jobs. `missing`: calls with no answer yet (to send again and wait for).
   */
  async resume(job: Job, payload: JobPayloadOf<'complete'>): Promise<{ state: ToolLoopState | null; missing: Suspension['calls'] }> {
    const state = await this.loops.load(job.id!);
    if (!state?.awaiting) return { state, missing: [] };
    const values = (await job.getChildrenValues()) as Record<string, ToolCallAnswer | undefined>;
    const byChildId = new Map(Object.entries(values).map(([key, value]) => [key.slice(key.lastIndexOf(':') + 1), value]));
    const missing: Suspension['calls'] = [];
    for (const call of state.calls.filter((c) => c.hop === state.hop && c.content === undefined)) {
      const answer = byChildId.get(toolCallJobId(job.id!, call.hop, call.id));
      if (answer) Object.assign(call, answer);
      else missing.push({ call: { id: call.id, name: call.name, args: call.args }, source: sourceOf(payload, call), wait: true });
    }
    return { state, missing };
  }

  /** Saves the loop and sends its calls; true when the job now waits (throw `WaitingChildrenError`). */
  async suspend(job: Job, token: string | undefined, tenantId: string, suspension: Suspension, stream = false): Promise<boolean> {
    const { state, calls } = suspension;
    await this.loops.save(job.id!, state);
    await Promise.all(
      calls.map(({ call, source, wait }) =>
        enqueue(typeof this.tools === 'function' ? this.tools(job) : this.tools, QUEUE_CATALOG.tools, {
          job: 'tool-call',
          payload: { jobId: job.id!, tenantId, hop: state.hop, toolCallId: call.id, name: call.name, args: call.args, source, ...(stream ? { stream } : {}) },
          options: {
            jobId: toolCallJobId(job.id!, state.hop, call.id),
            // A child that fails outright must not hold its parent for ever; the parent
            // then sees no answer and tells the model the call was lost.
            ...(wait ? { parent: { id: job.id!, queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true } : {}),
          },
        }),
      ),
    );
    await job.updateProgress({ event: 'server_tool_call', hop: state.hop, calls: calls.map(({ call }) => ({ id: call.id, name: call.name })) });
    if (!calls.some((c) => c.wait) || !token) return false;
    return job.moveToWaitingChildren(token);
  }

  /** Calls whose child jobs are gone without an answer: the model is told so. */
  static markLost(state: ToolLoopState, missing: Suspension['calls']): void {
    for (const { call } of missing) {
      const record = state.calls.find((c: ServerToolCall) => c.hop === state.hop && c.id === call.id);
      if (record) Object.assign(record, { content: 'Tool error: the call was lost before it answered.', isError: true });
    }
  }

  clear(jobId: string): Promise<void> {
    return this.loops.clear(jobId);
  }
}

function sourceOf(payload: JobPayloadOf<'complete'>, call: ServerToolCall): WebhookToolSource {
  const source = payload.input.tools?.find((t) => t.name === call.name)?.source;
  if (source?.kind !== 'webhook') throw new Error(`tool '${call.name}' has no webhook source`);
  return source;
}
