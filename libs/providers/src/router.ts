import type { RedisClient } from '@voxq/redis-keys';
import type { Capability, Constraints, RoutingIntent } from '@voxq/contracts';
import { AppError, errors, isAppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { recordProviderError, recordProviderFailover } from '@voxq/metrics';
import { noCandidateMessage, selectCandidates, type Requirements } from './candidates';
import type { ProviderOf } from './provider';
import { resolvePrimaryModel, withPrimaryFirst } from './primary-model';
import { providerKey, type ProviderRuntime } from './provider-runtime';
import { scoreCandidates, type ScoredCandidate } from './scoring';
import { newScoresRunId, saveScoresRun, type ScoresRun } from './scores-run';

export interface ProviderRouterOptions {
  runtime: ProviderRuntime;
  redis: RedisClient;
  /** `config.redis.prefix`. */
  prefix: string;
  /** Limit of one provider call (`config.providers.timeoutMs`). */
  timeoutMs: number;
  /** Limit of one attempt across all its candidates. */
  attemptDeadlineMs: number;
  /** Most candidates one attempt tries. */
  maxCandidates: number;
  logger: Logger;
  /** A history tier takes finished records: scores runs wait for its mover instead of expiring. */
  toHistory?: boolean;
}

export interface RoutingRequest {
  intent: RoutingIntent;
  constraints: Constraints;
  /** What the job asks of a provider beyond its constraints (chat parameters, a translation). */
  requires?: Requirements;
  /**
   * A model the job named (`synthesize`'s `model`): its provider is tried first with it, the
   * others after it with their own models (`resolvePrimaryModel`).
   */
  primaryModel?: string;
}

export interface RouteOptions {
  /** The job's signal: aborted when the job is cancelled. */
  signal: AbortSignal;
  logger: Logger;
  /** Whose job this is: scores runs are only shown to the tenant they were made for. */
  tenantId?: string;
  /** Told of each provider call as it ends (live job events). */
  onAttempt?: (attempt: ProviderAttempt) => void;
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
  /** Every provider called, in order, with its error if it failed. */
  attempts: ProviderAttempt[];
}

/** Where a call stands in its routing: the providers that failed before it, and the scores run that ranked them. */
export interface CallPlace {
  failoverCount: number;
  scoresRunId: string;
}

export type ProviderCall<C extends Capability, T> = (provider: ProviderOf<C>, model: string, signal: AbortSignal, place: CallPlace) => Promise<T>;

/** How long jobs with the same routing input share a scores run (the ranking is the same). */
const SCORES_RUN_REUSE_MS = 1_000;
const RECENT_RUNS_MAX = 1_000;

/**
 * Picks the providers that may serve a job, ranks them (catalog × live health), records the
 * ranking, and calls them in order: moving on when a failure is the upstream's fault,
 * stopping when it is the input's, skipping providers cooling down or at their limits, and
 * sending the job back to wait (not fail) when every candidate is unavailable for now.
 */
export class ProviderRouter {
  private readonly recentRuns = new Map<string, { id: string; until: number }>();

  constructor(private readonly options: ProviderRouterOptions) {}

  async run<C extends Capability, T>(capability: C, routing: RoutingRequest, call: ProviderCall<C, T>, opts: RouteOptions): Promise<RoutedResult<T>> {
    if (opts.signal.aborted) throw errors.cancelled();
    const { runtime, timeoutMs, attemptDeadlineMs, maxCandidates } = this.options;
    // Resolved again here, not only at intake: the configuration may have changed since.
    const primary = routing.primaryModel === undefined ? undefined : resolvePrimaryModel(runtime, capability, { ...routing, name: routing.primaryModel });
    const selection = selectCandidates(runtime.registry.list(capability), capability, routing.intent, routing.constraints, routing.requires);
    if (selection.candidates.length === 0) throw errors.noProvider(noCandidateMessage(capability, routing.intent, selection));
    const scored = scoreCandidates(selection.candidates, routing.intent, (p) => runtime.health.get(providerKey(p)));
    const ranked = primary ? withPrimaryFirst(scored, primary) : scored;

    const now = Date.now();
    const usable: Array<{ candidate: ScoredCandidate<ProviderOf<C>>; halfOpen: boolean }> = [];
    const unavailable: Array<{ provider: string; until: number; reason: string }> = [];
    for (const candidate of ranked) {
      if (usable.length >= maxCandidates) break;
      const availability = runtime.states.availability(providerKey(candidate.provider), now);
      if (availability.usable) usable.push({ candidate, halfOpen: availability.halfOpen });
      else unavailable.push({ provider: candidate.provider.name, until: availability.until, reason: availability.reason });
    }
    const scoresRunId = await this.scoresRunFor(capability, routing, opts.tenantId, ranked, [
      ...selection.excluded,
      ...unavailable.map((u) => ({ provider: u.provider, by: 'availability', reason: u.reason })),
    ]);
    if (usable.length === 0) {
      const until = Math.min(...unavailable.map((u) => u.until));
      throw errors.providersBusy(
        `Every ${capability} provider is unavailable for now: ${unavailable.map((u) => `${u.provider} (${u.reason})`).join('; ')}`,
        until,
      );
    }

    const deadline = now + attemptDeadlineMs;
    const attempts: ProviderAttempt[] = [];
    const failures: AppError[] = [];
    const busy: Array<{ provider: string; retryAt: number; reason: string }> = [];
    for (const { candidate, halfOpen } of usable) {
      if (opts.signal.aborted) throw errors.cancelled();
      const left = deadline - Date.now();
      if (left <= 0) break;
      const { provider, model } = candidate;
      const key = providerKey(provider);
      const probe = halfOpen && (await runtime.states.claimProbe(key));
      if (halfOpen && !probe) {
        busy.push({ provider: provider.name, retryAt: Date.now() + 1_000, reason: 'circuit half-open: a probe is in flight' });
        continue;
      }
      const permit = await runtime.limiter.acquire(provider.name);
      if (!permit.granted) {
        busy.push({ provider: provider.name, retryAt: permit.retryAt, reason: permit.reason });
        if (probe) await runtime.states.releaseProbe(key);
        continue;
      }
      if (failures.length > 0) recordProviderFailover(capability, provider.name);
      const callTimeout = Math.min(timeoutMs, left);
      const { signal, done } = callSignal(opts.signal, callTimeout);
      const started = performance.now();
      try {
        const value = await untilAborted(() => call(provider, model, signal, { failoverCount: attempts.length, scoresRunId }), signal).finally(done);
        const providerMs = Math.round(performance.now() - started);
        attempts.push({ provider: provider.name, model, ms: providerMs });
        opts.onAttempt?.(attempts.at(-1)!);
        runtime.health.record(key, { ok: true, ms: providerMs });
        if (probe) await runtime.states.recordSuccess(key, true);
        return { value, provider: provider.name, model, failoverCount: attempts.length - 1, scoresRunId, providerMs, attempts };
      } catch (thrown) {
        if (opts.signal.aborted) throw errors.cancelled();
        const ms = Math.round(performance.now() - started);
        const error = asProviderFailure(thrown, provider.name, signal, callTimeout);
        recordProviderError(capability, provider.name, error.code);
        attempts.push({ provider: provider.name, model, ms, error: { code: error.code, message: error.message } });
        opts.onAttempt?.(attempts.at(-1)!);
        if (!error.failover) {
          // The input is at fault, not the provider: its health is untouched.
          if (probe) await runtime.states.releaseProbe(key);
          throw error;
        }
        runtime.health.record(key, { ok: false, ms });
        await runtime.states.recordFailure(key, probe, error.retryAfterSeconds);
        failures.push(error);
        opts.logger.warn(
          { provider: provider.name, model, code: error.code, err: error.message, scoresRunId, capability },
          'provider failed, trying the next one',
        );
      } finally {
        await permit.release();
      }
    }
    if (failures.length === 0 && busy.length > 0) {
      const until = Math.min(...busy.map((b) => b.retryAt));
      throw errors.providersBusy(`Every ${capability} provider is at its limit: ${busy.map((b) => `${b.provider} (${b.reason})`).join('; ')}`, until);
    }
    throw allProvidersFailed(capability, failures, attempts, deadline);
  }

  /** The id of a stored scores run for this ranking, writing one unless a recent one matches. */
  private async scoresRunFor(
    capability: Capability,
    routing: RoutingRequest,
    tenantId: string | undefined,
    ranked: readonly ScoredCandidate[],
    excluded: ScoresRun['excluded'],
  ): Promise<string> {
    const signature = ranked.map((c) => `${c.provider.name}:${c.score}`).join(',') + excluded.map((e) => e.provider).join(',');
    const key = [capability, tenantId ?? '', JSON.stringify(routing.intent), JSON.stringify(routing.constraints), routing.primaryModel ?? '', signature].join(
      '\u0000',
    );
    const now = Date.now();
    const recent = this.recentRuns.get(key);
    if (recent && recent.until > now) return recent.id;
    const id = newScoresRunId();
    await saveScoresRun(
      this.options.redis,
      this.options.prefix,
      {
        id,
        ...(tenantId ? { tenantId } : {}),
        capability,
        intent: routing.intent,
        constraints: routing.constraints,
        createdAt: new Date(now).toISOString(),
        candidates: ranked.map(({ provider, model, rank, reason, score, components, latencyMs, errorRate }) => ({
          provider: provider.name,
          model,
          rank,
          score,
          components,
          latencyMs,
          errorRate,
          reason,
        })),
        excluded,
      },
      { toHistory: this.options.toHistory === true },
    );
    if (this.recentRuns.size >= RECENT_RUNS_MAX) this.recentRuns.clear();
    this.recentRuns.set(key, { id, until: now + SCORES_RUN_REUSE_MS });
    return id;
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

function allProvidersFailed(capability: Capability, failures: AppError[], attempts: readonly ProviderAttempt[], deadline: number): AppError {
  const waits = failures.flatMap((f) => (f.retryAfterSeconds === undefined ? [] : [f.retryAfterSeconds]));
  // Only when every provider asked us to wait is there one delay the queue should honour.
  const retryAfterSeconds = waits.length > 0 && waits.length === failures.length ? Math.min(...waits) : undefined;
  const outOfTime = Date.now() >= deadline ? ' (the attempt ran out of time)' : '';
  const tried = attempts.flatMap((a) => (a.error ? [a.error.message] : [])).join('; ');
  return new AppError({
    code: 'all_providers_failed',
    type: 'provider_error',
    status: 502,
    message: `Every ${capability} provider failed${outOfTime}: ${tried || 'none could be tried in time'}`,
    retryable: failures.length === 0 || failures.some((f) => f.retryable),
    failover: false,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds, retryAt: Date.now() + retryAfterSeconds * 1000 }),
    cause: new AggregateError(failures, 'provider failures'),
  });
}
