import type { JobType } from '@voxq/contracts';
import type { JobEventPublisher } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordJobAttempt, type JobAttemptOutcome } from '@voxq/metrics';
import type { ProviderAttempt } from '@voxq/providers';
import type { Suspension } from './job-kind';

/**
 * What an attempt goes through, told to whoever listens: the live events of
 * `GET /v1/jobs/:id/events` (when a publisher is wired), the attempt metrics, and one log
 * line at info as the attempt starts and ends (the logger carries the job's id and the
 * request id that submitted it). The processor says what happened; this unit decides who hears it.
 */
export class JobLifecycle {
  private readonly startedAt = Date.now();

  constructor(
    private readonly jobId: string,
    private readonly type: JobType,
    private readonly events: JobEventPublisher | undefined,
    private readonly log?: Logger,
    /** The attempt's start found the job watched (and published its `started` then). */
    private readonly watched = false,
  ) {}

  /** Seconds since the attempt began. */
  seconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** Epoch ms the attempt began (its result's `processingMs` and `queuedMs` are measured from it). */
  get began(): number {
    return this.startedAt;
  }

  /** Says the attempt began in the log: its `started` event went out with the start itself (`JobStore.start`). */
  started(attempt: number): void {
    this.log?.info({ attempt }, 'job started');
  }

  /** The router's listener for each provider call, or none when nobody listens. */
  providerListener(): ((attempt: ProviderAttempt) => void) | undefined {
    const events = this.events;
    return events ? (a: ProviderAttempt) => events.publish(this.jobId, { type: 'provider_attempt', ...a }, this.watched) : undefined;
  }

  toolCalls(suspension: Suspension): void {
    this.events?.publish(
      this.jobId,
      { type: 'tool_calls', hop: suspension.state.hop, calls: suspension.calls.map(({ call }) => ({ id: call.id, name: call.name })) },
      this.watched,
    );
  }

  waiting(until: number, reason: string): void {
    this.events?.publish(this.jobId, { type: 'waiting', until: new Date(until).toISOString(), reason }, this.watched);
  }

  attemptFailed(attempt: number, error: { code: string; message: string }, willRetry: boolean): void {
    this.events?.publish(this.jobId, { type: 'attempt_failed', attempt, error: { code: error.code, message: error.message }, willRetry }, this.watched);
  }

  /** Counts the attempt's end in the metrics, and says it in the log. */
  ended(outcome: JobAttemptOutcome, provider?: string): void {
    const seconds = this.seconds();
    this.log?.info({ outcome, ...(provider ? { provider } : {}), ms: Math.round(seconds * 1000) }, `job attempt ${outcome}`);
    recordJobAttempt(this.type, provider, outcome, seconds);
  }
}
