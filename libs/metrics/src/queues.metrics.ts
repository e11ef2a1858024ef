import { Gauge } from 'prom-client';
import { metricsRegistry } from './registry';

/** BullMQ's names for the states the gauges report. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** The part of a BullMQ `Queue` the depth gauges read. */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(...types: Array<(typeof QUEUE_STATES)[number]>): Promise<Record<string, number>>;
  getJobs(types: Array<'wait'>, start: number, end: number, asc: boolean): Promise<Array<{ timestamp: number } | undefined>>;
}

/**
 * One read serves a whole scrape (both gauges collect it) and scrapes closer together than
 * this share it, so hammering `/metrics` cannot hammer Redis.
 */
const SNAPSHOT_MS = 1_000;

interface QueueSnapshot {
  name: string;
  counts: Record<string, number>;
  oldestWaitingAt: number | null;
}

const sources = new Set<readonly CountedQueue[]>();
let snapshot: { at: number; read: Promise<QueueSnapshot[]> } | null = null;

function readQueues(): Promise<QueueSnapshot[]> {
  const now = Date.now();
  if (snapshot && now - snapshot.at < SNAPSHOT_MS) return snapshot.read;
  const queues = [...sources].flat();
  const read = Promise.all(
    queues.map(async (queue) => {
      // `wait` is a list the workers take from the right: its right end is the oldest job.
      const [counts, [oldest]] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getJobs(['wait'], 0, 0, true)]);
      return { name: queue.name, counts, oldestWaitingAt: oldest?.timestamp ?? null };
    }),
  ).then(byQueueName);
  snapshot = { at: now, read };
  // A failed read is not kept: the next scrape tries again.
  read.catch(() => (snapshot = null));
  return read;
}

/** A sharded queue is one queue to its operators: its shards' counts add up, and its oldest job is the oldest of theirs. */
function byQueueName(snapshots: QueueSnapshot[]): QueueSnapshot[] {
  const merged = new Map<string, QueueSnapshot>();
  for (const { name, counts, oldestWaitingAt } of snapshots) {
    const into = merged.get(name);
    if (!into) {
      merged.set(name, { name, counts: { ...counts }, oldestWaitingAt });
      continue;
    }
    for (const [state, n] of Object.entries(counts)) into.counts[state] = (into.counts[state] ?? 0) + n;
    if (oldestWaitingAt !== null && (into.oldestWaitingAt === null || oldestWaitingAt < into.oldestWaitingAt)) into.oldestWaitingAt = oldestWaitingAt;
  }
  return [...merged.values()];
}

new Gauge({
  name: 'voxq_queue_jobs',
  help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, prioritized, failed), read from Redis at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    // Redis away: no queue series this scrape (alert on their absence), the rest still answer.
    for (const { name, counts } of await readQueues().catch(() => [])) {
      for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
    }
  },
});

new Gauge({
  name: 'voxq_queue_oldest_waiting_age_seconds',
  help: 'Age of the oldest job waiting in each queue (since it was added), 0 when none waits; read at scrape time.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    const now = Date.now();
    // As above: Redis away means no series this scrape, not a failed /metrics.
    for (const { name, oldestWaitingAt } of await readQueues().catch(() => [])) {
      this.set({ queue: name }, oldestWaitingAt === null ? 0 : Math.max(0, (now - oldestWaitingAt) / 1000));
    }
  },
});

/**
 * Reports these queues' depth in this process's metrics until the returned function is
 * called. One process per deployment is enough (the api does it): every process reads the
 * same Redis, so more would only report the same numbers twice.
 */
export function watchQueues(queues: readonly CountedQueue[]): () => void {
  sources.add(queues);
  snapshot = null;
  return () => {
    sources.delete(queues);
    snapshot = null;
  };
}
