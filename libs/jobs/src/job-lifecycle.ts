import type { JobLiveEventInput, JobType } from '@voxq/contracts';
import type { JobEventPublisher } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordJobAttempt, type JobAttemptOutcome } from '@voxq/metrics';
import type { ProviderAttempt } from '@voxq/providers';
import type { Suspension } from '@voxq/job-kinds';

/**
 * What an attempt goes through, told to whoever listens: the live events of
 * `GET /v1/jobs/:id/events` (when a publisher is wired), the attempt metrics, and one log
 * line at info as the attempt starts and ends (the logger carries the job's id and the
 * request id that submitted it). The processor says what happened; this unit decides who hears it.
 */
export class JobLifecycle {
  private readonly startedAt = Date.now();
  /** Events held back for the completion to send (see `providerListener`). */
  private held: string[] = [];

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

  /**
   * The router's listener for each provider call, or none when nobody listens. On a job not
   * watched when its attempt began, a call that succeeded is held back: most jobs end with it,
   * and their completion sends it (`takeHeld`) in the step that stores the result, only if
   * someone watches by then, costing nothing apart. Anything else goes out at once, after
   * whatever is held, so a watcher sees the attempt's events in order.
   */
  providerListener(): ((attempt: ProviderAttempt) => void) | undefined {
    const events = this.events;
    if (!events) return undefined;
    return (a: ProviderAttempt) => {
      const message = events.message({ type: 'provider_attempt', ...a });
      if (this.watched || a.error) this.send(message);
      else this.held.push(message);
    };
  }

  /** The held events, for the completion to send; held no more. */
  takeHeld(): string[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  /** Sends the held events now (a completion that cannot carry them). */
  flushHeld(): void {
    if (this.held.length > 0) this.events?.send(this.jobId, this.takeHeld(), this.watched);
  }

  toolCalls(suspension: Suspension): void {
    this.emit({ type: 'tool_calls', hop: suspension.state.hop, calls: suspension.calls.map(({ call }) => ({ id: call.id, name: call.name })) });
  }

  waiting(until: number, reason: string): void {
    this.emit({ type: 'waiting', until: new Date(until).toISOString(), reason });
  }

  attemptFailed(attempt: number, error: { code: string; message: string }, willRetry: boolean): void {
    this.emit({ type: 'attempt_failed', attempt, error: { code: error.code, message: error.message }, willRetry });
  }

  private emit(event: JobLiveEventInput): void {
    if (this.events) this.send(this.events.message(event));
  }

  private send(message: string): void {
    this.events?.send(this.jobId, [...this.takeHeld(), message], this.watched);
  }

  /** Counts the attempt's end in the metrics, and says it in the log. */
  ended(outcome: JobAttemptOutcome, provider?: string): void {
    const seconds = this.seconds();
    this.log?.info({ outcome, ...(provider ? { provider } : {}), ms: Math.round(seconds * 1000) }, `job attempt ${outcome}`);
    recordJobAttempt(this.type, provider, outcome, seconds);
  }
}
