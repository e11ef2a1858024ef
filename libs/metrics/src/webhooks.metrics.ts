import { Counter, Histogram } from 'prom-client';
import { statusClass } from './labels';
import { metricsRegistry } from './registry';

/**
 * How one delivery attempt ended: `delivered` (2xx), `retry` (failed, another attempt is
 * scheduled), `failed` (failed for good: dead-lettered), `cancelled` (endpoint deleted or
 * disabled), `expired` (past retention).
 */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'failed' | 'cancelled' | 'expired';

const attempts = new Counter({
  name: 'voxq_webhook_attempts_total',
  help: "Webhook delivery attempts by outcome and the receiver's status class (none: no answer).",
  labelNames: ['outcome', 'status_class'] as const,
  registers: [metricsRegistry],
});

const latency = new Histogram({
  name: 'voxq_webhook_delivery_duration_seconds',
  help: "Time of one webhook POST until the receiver's answer, by status class (none: no answer, e.g. a timeout).",
  labelNames: ['status_class'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [metricsRegistry],
});

const deadLetters = new Counter({
  name: 'voxq_webhook_dead_letters_total',
  help: 'Webhook deliveries given up on and added to the dead-letter list.',
  registers: [metricsRegistry],
});

/** `ms`: the POST's duration, when one was made (none for an attempt refused before sending). */
export function recordWebhookAttempt(outcome: WebhookAttemptOutcome, status: number | null, ms: number | null): void {
  const status_class = statusClass(status);
  attempts.inc({ outcome, status_class });
  if (ms !== null) latency.observe({ status_class }, ms / 1000);
}

export function recordWebhookDeadLetter(): void {
  deadLetters.inc();
}
