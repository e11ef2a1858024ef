import type { Job, Queue } from 'bullmq';
import { scrubSecrets } from '@voxq/logging';
import { describeProviders, type ProviderRuntime } from '@voxq/providers';

/** How many failed jobs the dashboard lists, newest first across every queue. */
export const RECENT_FAILURES = 20;
/** Longest failure reason shown; the rest is in bull-board's job view. */
const REASON_MAX = 300;

export interface QueueStatus {
  name: string;
  /** Waiting in the list, plus waiting by priority (batch work queues behind interactive work). */
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Age of the oldest job in the wait list (since it was added); null when none waits. */
  oldestWaitingSeconds: number | null;
}

export interface ProviderStatus {
  id: string;
  capability: string;
  model: string;
  /** The circuit breaker: closed (in use), open (cooling down), half-open (one probe at a time). */
  state: string;
  cooldownUntil: string | null;
  reason: string | null;
  /** Over the last minute. */
  calls: number;
  errorRate: number;
  latencyMs: number | null;
}

/** A failed job as the dashboard shows it: ids and the error only, never the payload. */
export interface FailedJobStatus {
  queue: string;
  id: string;
  /** The job's name in BullMQ: the job type on the job queues. */
  name: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
}

export interface AdminStatus {
  object: 'admin_status';
  generatedAt: string;
  queues: QueueStatus[];
  providers: ProviderStatus[];
  recentFailures: FailedJobStatus[];
}

async function queueStatus(queue: Queue, now: number): Promise<QueueStatus> {
  // `wait` is a list the workers take from the right: its right end is the oldest job.
  const [counts, [oldest]] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    queue.getJobs(['wait'], 0, 0, true),
  ]);
  const count = (state: string) => counts[state] ?? 0;
  return {
    name: queue.name,
    waiting: count('waiting') + count('prioritized'),
    active: count('active'),
    delayed: count('delayed'),
    failed: count('failed'),
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((now - oldest.timestamp) / 1000)) : null,
  };
}

/** BullMQ's failed set is scored by finish time: its top `limit` of each queue, merged, are the newest. */
async function recentFailures(queues: readonly Queue[], limit: number): Promise<FailedJobStatus[]> {
  const perQueue = await Promise.all(
    queues.map(async (queue) =>
      ((await queue.getJobs(['failed'], 0, limit - 1, false)) as Array<Job | undefined>)
        .filter((job): job is Job => job !== undefined)
        .map((job) => ({ queue: queue.name, job })),
    ),
  );
  return perQueue
    .flat()
    .sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0))
    .slice(0, limit)
    .map(({ queue, job }) => ({
      queue,
      id: job.id ?? '',
      name: job.name,
      // A vendor's message may quote what it was sent: masked like a log line, and cut short.
      failedReason: scrubSecrets(job.failedReason ?? '').slice(0, REASON_MAX),
      attemptsMade: job.attemptsMade,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
}

function providerStatus(runtime: ProviderRuntime): ProviderStatus[] {
  return describeProviders(runtime).map((p) => ({
    id: p.id,
    capability: p.capability,
    model: p.defaultModel,
    state: p.state,
    cooldownUntil: p.cooldownUntil,
    reason: p.reason,
    calls: p.health.calls,
    errorRate: p.health.errorRate,
    latencyMs: p.health.latencyMs,
  }));
}

/** A sharded queue's shards as one queue: their counts added, the oldest wait the longest of theirs. */
function byName(statuses: QueueStatus[]): QueueStatus[] {
  const merged = new Map<string, QueueStatus>();
  for (const status of statuses) {
    const into = merged.get(status.name);
    if (!into) merged.set(status.name, { ...status });
    else {
      into.waiting += status.waiting;
      into.active += status.active;
      into.delayed += status.delayed;
      into.failed += status.failed;
      const oldest = [into.oldestWaitingSeconds, status.oldestWaitingSeconds].filter((s): s is number => s !== null);
      into.oldestWaitingSeconds = oldest.length > 0 ? Math.max(...oldest) : null;
    }
  }
  return [...merged.values()];
}

/** One reading of everything the dashboard shows (the page and `/admin/status.json`). */
export async function readAdminStatus(queues: readonly Queue[], runtime: ProviderRuntime, now = Date.now()): Promise<AdminStatus> {
  const [queueStatuses, failures] = await Promise.all([Promise.all(queues.map((q) => queueStatus(q, now))), recentFailures(queues, RECENT_FAILURES)]);
  return {
    object: 'admin_status',
    generatedAt: new Date(now).toISOString(),
    queues: byName(queueStatuses),
    providers: providerStatus(runtime),
    recentFailures: failures,
  };
}
