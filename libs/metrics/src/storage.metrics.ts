import { Counter } from 'prom-client';
import { metricsRegistry } from './registry';

const retries = new Counter({
  name: 'voxq_storage_retries_total',
  help: 'Object-storage calls a worker tried again because S3 was unavailable (the job kept its attempt, and its result), by operation.',
  labelNames: ['operation'] as const,
  registers: [metricsRegistry],
});

/** One failed try at `operation` (put, get, head, delete, list) that will be tried again. */
export function recordStorageRetry(operation: string): void {
  retries.inc({ operation });
}
