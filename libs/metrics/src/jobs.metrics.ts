import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './registry';

/**
 * How one attempt at a job ended. `retry`: it failed and BullMQ will run it again;
 * `failed`: the job failed for good; `delayed`: every provider was busy, so it waits in the
 * queue without using an attempt; `cancelled`: a client cancelled it (or the worker handed
 * it back at shutdown).
 */
export type JobAttemptOutcome = 'completed' | 'failed' | 'retry' | 'cancelled' | 'delayed';

const LABELS = ['type', 'provider', 'outcome'] as const;

const attempts = new Counter({
  name: 'voxq_job_attempts_total',
  help: 'Job attempts by job type, serving provider (none when no provider answered) and outcome.',
  labelNames: LABELS,
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: 'voxq_job_duration_seconds',
  help: 'Time a worker spent on one job attempt (handler start to result stored), by job type, provider and outcome.',
  labelNames: LABELS,
  // Speech and LLM calls: tens of milliseconds (simulator, cache) to minutes (long audio).
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

/** One attempt's end. `provider`: the one whose answer the job kept, `none` otherwise. */
export function recordJobAttempt(type: string, provider: string | undefined, outcome: JobAttemptOutcome, seconds: number): void {
  const labels = { type, provider: provider ?? 'none', outcome };
  attempts.inc(labels);
  duration.observe(labels, seconds);
}
