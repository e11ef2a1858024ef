import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from './registry';

/** What waits to move to the history tier: finished jobs, and when the oldest of them finished (epoch ms). */
export interface HistoryBacklog {
  jobs: number;
  oldestFinishedAt: number | null;
}

/** What waits of webhook deliveries: finished ones, and when the oldest of them finished (epoch ms). */
export interface DeliveryBacklog {
  deliveries: number;
  oldestFinishedAt: number | null;
}

let source: (() => Promise<HistoryBacklog>) | null = null;
let deliverySource: (() => Promise<DeliveryBacklog>) | null = null;

/** Where the backlog gauges read from: the process running the history mover sets it. */
export function watchHistoryBacklog(read: () => Promise<HistoryBacklog>): void {
  source = read;
}

/** Where the deliveries' backlog is read from: the process moving them sets it. */
export function watchDeliveryBacklog(read: () => Promise<DeliveryBacklog>): void {
  deliverySource = read;
}

new Gauge({
  name: 'voxq_history_pending_jobs',
  help: 'Finished jobs whose records wait in Redis to be moved to the history tier (Postgres). Grows while Postgres is down.',
  registers: [metricsRegistry],
  async collect() {
    if (source) this.set((await source()).jobs);
  },
});

new Gauge({
  name: 'voxq_history_pending_deliveries',
  help: 'Finished webhook deliveries waiting in Redis to be moved to the history tier (Postgres). Grows while Postgres is down.',
  registers: [metricsRegistry],
  async collect() {
    if (deliverySource) this.set((await deliverySource()).deliveries);
  },
});

new Gauge({
  name: 'voxq_history_pending_oldest_age_seconds',
  help: 'How long ago the oldest finished job or webhook delivery still waiting for the history tier finished (0 when none waits).',
  registers: [metricsRegistry],
  async collect() {
    if (!source && !deliverySource) return;
    const [jobs, deliveries] = await Promise.all([source?.(), deliverySource?.()]);
    const oldest = Math.min(jobs?.oldestFinishedAt ?? Infinity, deliveries?.oldestFinishedAt ?? Infinity);
    this.set(oldest === Infinity ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
  },
});

const moved = new Counter({
  name: 'voxq_history_moved_total',
  help: 'Finished records copied to the history tier (Postgres) and released from Redis, by kind (jobs, deliveries, batches, scores_runs).',
  labelNames: ['kind'],
  registers: [metricsRegistry],
});

const failures = new Counter({
  name: 'voxq_history_move_failures_total',
  help: 'Batches the history mover could not copy (Postgres or Redis unavailable); they are tried again.',
  registers: [metricsRegistry],
});

export function recordHistoryMoved(kind: string, records: number): void {
  moved.inc({ kind }, records);
}

export function recordHistoryMoveFailure(): void {
  failures.inc();
}
