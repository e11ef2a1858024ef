import { Histogram } from 'prom-client';
import { statusClass } from './labels';
import { metricsRegistry } from './registry';

const requests = new Histogram({
  name: 'voxq_http_request_duration_seconds',
  help: 'API requests by method, route pattern (/v1/jobs/:id, never the raw path; unmatched for none) and status class.',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/** Methods outside this list are counted as `other`: a client may send any token there. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  requests.observe({ method: METHODS.has(method) ? method : 'other', route, status_class: statusClass(status) }, seconds);
}
