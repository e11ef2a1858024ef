import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Every voxq metric lives in this one registry (not prom-client's global one, which any
 * dependency may also fill). One per process: the api, worker and dispatcher each expose
 * their own, and Prometheus tells them apart by target.
 */
export const metricsRegistry = new Registry();

let processMetricsOf: string | null = null;

/**
 * Node's own metrics (CPU, memory, event-loop lag, GC, handles), labelled with the process's
 * role. Once per process: when several roles share one (the test stack), the first names it.
 */
export function collectProcessMetrics(service: 'api' | 'worker' | 'dispatcher'): void {
  if (processMetricsOf !== null) return;
  processMetricsOf = service;
  collectDefaultMetrics({ register: metricsRegistry, labels: { service } });
}

/** The Prometheus text exposition of every metric, and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
