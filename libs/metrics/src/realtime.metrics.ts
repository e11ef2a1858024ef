import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './registry';

const open = new Gauge({
  name: 'voxq_realtime_sessions_open',
  help: 'Realtime sessions this API process relays now.',
  registers: [metricsRegistry],
});

const ended = new Counter({
  name: 'voxq_realtime_sessions_total',
  help: 'Realtime sessions that ended, by provider and close reason (client_closed, upstream_closed, upstream_error, max_duration, slow_client, server_shutdown).',
  labelNames: ['provider', 'reason'] as const,
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: 'voxq_realtime_session_duration_seconds',
  help: 'How long realtime sessions lasted, by provider.',
  labelNames: ['provider'] as const,
  buckets: [1, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers: [metricsRegistry],
});

export function recordRealtimeOpened(): void {
  open.inc();
}

export function recordRealtimeEnded(provider: string, reason: string, ms: number): void {
  open.dec();
  ended.inc({ provider, reason });
  duration.observe({ provider }, ms / 1000);
}
