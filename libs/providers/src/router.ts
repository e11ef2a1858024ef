import type { Redis } from 'ioredis';
import type { Capability, Constraints, RoutingIntent } from '@voxq/contracts';
import { AppError, errors, isAppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { noCandidateMessage, selectCandidates } from './candidates';
import type { ProviderOf } from './provider';
import type { ProviderRegistry } from './registry';
import { newScoresRunId, saveScoresRun } from './scores-run';

export interface ProviderRouterOptions {
  registry: ProviderRegistry;
  redis: Redis;
  /** `config.redis.prefix`. */
  prefix: string;
  /** Limit of one provider call (`config.providers.timeoutMs`). */
  timeoutMs: number;
  logger: Logger;
}

export interface RoutingRequest {
  intent: RoutingIntent;
  constraints: Constraints;
}

export interface RouteOptions {
  /** The job's signal: aborted when the job is cancelled. */
  signal: AbortSignal;
  logger: Logger;
}

export interface ProviderAttempt {
  provider: string;
  model: string;
  ms: number;
  error?: { code: string; message: string };
}

export interface RoutedResult<T> {
  value: T;
  provider: string;
  model: string;
  /** Providers tried before the one that succeeded. */
  failoverCount: number;
  scoresRunId: string;
  /** Duration of the successful call. */
  providerMs: number;
  attempts: ProviderAttempt[];
}

/** How long jobs with the same routing input share a scores run (the ranking is the same). */
const SCORES_RUN_REUSE_MS = 1_000;
const RECENT_RUNS_MAX = 1_000;

type Selection = ReturnType<typeof selectCandidates>;

export type ProviderCall<C extends Capability, T> = (provider: ProviderOf<C>, model: string, signal: AbortSignal) => Promise<T>;

/**
 * Picks the providers that may serve a job, records the ranking, and calls them in order,
 * moving on when a failure is the upstream's fault and stopping when it is the input's.
 */
export class ProviderRouter {
  /**
   * Scores runs by routing input, reused for a moment: at thousands of jobs a second,
   * jobs with the same capability, intent and constraints share one ranking instead of
   * each writing its own copy to Redis.
   */
  private readonly recentRuns = new Map<string, { id: string; until: number }>();

  constructor(private readonly options: ProviderRouterOptions) {}

  /** The id of a stored scores run for this selection, writing one if none is recent. */
  private async scoresRunFor(capability: Capability, routing: RoutingRequest, selection: Selection): Promise<string> {
    const key = `${capability}\u0000${JSON.stringify(routing.intent)}\u0000${JSON.stringify(routing.constraints)}`;
    const now = Date.now();
    const recent = this.recentRuns.get(key);
    if (recent && recent.until > now) return recent.id;
    const id = newScoresRunId();
    await saveScoresRun(this.options.redis, this.options.prefix, {
      id,
      capability,
      intent: routing.intent,
      constraints: routing.constraints,
      createdAt: new Date(now).toISOString(),
      candidates: selection.candidates.map(({ provider, model, rank, reason }) => ({ provider: provider.name, model, rank, reason })),
      excluded: selection.excluded,
    });
    if (this.recentRuns.size >= RECENT_RUNS_MAX) this.recentRuns.clear();
    this.recentRuns.set(key, { id, until: now + SCORES_RUN_REUSE_MS });
    return id;
  }

  async run<C extends Capability, T>(
    capability: C,
    routing: RoutingRequest,
    call: ProviderCall<C, T>,
    opts: RouteOptions,
  ): Promise<RoutedResult<T>> {
    if (opts.signal.aborted) throw errors.cancelled();
    const { registry, timeoutMs } = this.options;
    const selection = selectCandidates(registry.list(capability), capability, routing.intent, routing.constraints);
    if (selection.candidates.length === 0) throw errors.noProvider(noCandidateMessage(capability, routing.intent, selection));
    const scoresRunId = await this.scoresRunFor(capability, routing, selection);

    const attempts: ProviderAttempt[] = [];
    const failures: AppError[] = [];
    for (const [index, { provider, model }] of selection.candidates.entries()) {
      if (opts.signal.aborted) throw errors.cancelled();
      const { signal, done } = callSignal(opts.signal, timeoutMs);
      const started = performance.now();
      try {
        const value = await untilAborted(() => call(provider, model, signal), signal).finally(done);
        const providerMs = Math.round(performance.now() - started);
        attempts.push({ provider: provider.name, model, ms: providerMs });
        return { value, provider: provider.name, model, failoverCount: index, scoresRunId, providerMs, attempts };
      } catch (thrown) {
        if (opts.signal.aborted) throw errors.cancelled();
        const error = asProviderFailure(thrown, provider.name, signal, timeoutMs);
        attempts.push({ provider: provider.name, model, ms: Math.round(performance.now() - started), error: { code: error.code, message: error.message } });
        if (!error.failover) throw error;
        failures.push(error);
        opts.logger.warn(
          { provider: provider.name, model, code: error.code, err: error.message, scoresRunId, capability },
          'provider failed, trying the next one',
        );
      }
    }
    throw allProvidersFailed(capability, failures);
  }
}

/**
 * A signal that fires when the job's does or the call times out. Built by hand rather than
 * with `AbortSignal.any` + `AbortSignal.timeout`, which cost several times more per call in
 * Node 20 (bench profile); `done` releases the timer and the listener.
 */
function callSignal(jobSignal: AbortSignal, timeoutMs: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const onJobAbort = () => controller.abort(jobSignal.reason);
  jobSignal.addEventListener('abort', onJobAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      jobSignal.removeEventListener('abort', onJobAbort);
    },
  };
}

/**
 * Settles when the call does or the signal fires, whichever is first, so an adapter that
 * ignores its signal still cannot hold a job past the timeout.
 */
function untilAborted<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(fn)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What a failed call means for routing; anything that is not an AppError is the upstream's fault. */
function asProviderFailure(thrown: unknown, provider: string, signal: AbortSignal, timeoutMs: number): AppError {
  // The job's signal is not aborted here, so a fired call signal means the timeout.
  if (signal.aborted && (!isAppError(thrown) || thrown.code === 'job_cancelled')) {
    return errors.providerUnavailable(provider, `timed out after ${timeoutMs} ms`, thrown);
  }
  if (isAppError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return errors.providerUnavailable(provider, message, thrown);
}

function allProvidersFailed(capability: Capability, failures: AppError[]): AppError {
  const waits = failures.flatMap((f) => (f.retryAfterSeconds === undefined ? [] : [f.retryAfterSeconds]));
  // Only when every provider asked us to wait is there one delay the queue should honour.
  const retryAfterSeconds = waits.length > 0 && waits.length === failures.length ? Math.min(...waits) : undefined;
  return new AppError({
    code: 'all_providers_failed',
    type: 'provider_error',
    status: 502,
    message: `Every ${capability} provider failed: ${failures.map((f) => f.message).join('; ')}`,
    retryable: failures.some((f) => f.retryable),
    failover: false,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    cause: new AggregateError(failures, 'provider failures'),
  });
}
