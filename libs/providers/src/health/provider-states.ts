import type { RedisClient } from '@voxq/redis-keys';
import { recordProviderCooldown } from '@voxq/metrics';
import { defineScripts, redisKeys, type RedisKeys, type ScriptPipeline } from '@voxq/redis-keys';
import failureLua from './scripts/provider-failure.lua';

/** `halfOpen`: usable only through the one probe (`claimProbe`) right before calling it. */
export type Availability = { usable: true; halfOpen: boolean } | { usable: false; until: number; reason: string };

export interface BreakerOptions {
  /** Failures within `windowMs` that open the breaker. */
  failures: number;
  windowMs: number;
  /** How long an open breaker keeps the provider out before one half-open probe. */
  cooldownMs: number;
  /** How long a half-open probe may take before another caller may probe. */
  probeMs: number;
}

export interface ProviderStateView {
  state: 'closed' | 'open' | 'half-open';
  cooldownUntil: string | null;
  reason: string | null;
}

/** How often each process re-reads every provider's state (one MGET). */
const REFRESH_MS = 250;

interface StateScripts {
  voxqProviderFailure(
    failures: string,
    breaker: string,
    cooldown: string,
    probeClaim: string,
    windowMs: number,
    threshold: number,
    cooldownMs: number,
    cooldownValue: string,
    wasProbe: '1' | '0',
  ): Promise<number>;
}

interface Snapshot {
  cooldownUntil: number;
  reason: string;
  breakerOpen: boolean;
}

/**
 * Cooldowns and circuit breakers, shared by every worker through Redis. A 429's Retry-After
 * cools a provider down for that long; `failures` failures within `windowMs` open its
 * breaker for `cooldownMs`, after which exactly one call (the half-open probe) may try it:
 * success closes the breaker, failure opens it again. Each process keeps a snapshot read
 * every 250 ms, so checking a candidate costs no round trip.
 */
export class ProviderStates {
  private snapshot = new Map<string, Snapshot>();
  private readonly timer: NodeJS.Timeout;
  private readonly ready: Promise<void>;
  private readonly redis: RedisClient & StateScripts;
  private readonly k: Pick<RedisKeys['providers'], 'cooldown' | 'breaker' | 'failures' | 'probe'>;

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly keys: readonly string[],
    private readonly options: BreakerOptions,
  ) {
    this.redis = defineScripts<StateScripts>(redis, { voxqProviderFailure: { keys: 4, lua: failureLua } });
    this.k = redisKeys(prefix).providers;
    // A read that fails (Redis away) keeps the last snapshot; writes (failures, probes) go
    // through the scripts and surface their own errors, so only this cached view is lenient.
    this.ready = this.refresh().catch(() => undefined);
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    if (this.keys.length === 0) return;
    const values = await this.redis.mget(...this.keys.flatMap((key) => [this.k.cooldown(key), this.k.breaker(key)]));
    const next = new Map<string, Snapshot>();
    this.keys.forEach((key, i) => {
      const cooldown = values[i * 2];
      const [until = '0', ...reason] = (cooldown ?? '').split('|');
      next.set(key, { cooldownUntil: Number(until) || 0, reason: reason.join('|'), breakerOpen: values[i * 2 + 1] !== null });
    });
    this.snapshot = next;
  }

  /** Resolves once the first read of the shared state is in. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Whether a provider may be called now (from the snapshot: no round trip). */
  availability(key: string, now = Date.now()): Availability {
    const state = this.snapshot.get(key);
    if (!state) return { usable: true, halfOpen: false };
    if (state.cooldownUntil > now) return { usable: false, until: state.cooldownUntil, reason: state.reason };
    return { usable: true, halfOpen: state.breakerOpen };
  }

  /**
   * A half-open breaker admits one call across all processes: claim it right before
   * calling, so a claim is only ever held by a call in flight. False: another caller has it.
   */
  async claimProbe(key: string, now = Date.now()): Promise<boolean> {
    return (await this.redis.set(this.k.probe(key), String(now), 'PX', this.options.probeMs, 'NX')) === 'OK';
  }

  /** A call the provider is to blame for; `retryAfterSeconds` from a 429 cools it down. */
  async recordFailure(key: string, probe: boolean, retryAfterSeconds?: number, now = Date.now()): Promise<void> {
    const pipeline = this.redis.pipeline() as ScriptPipeline<StateScripts>;
    if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) {
      const until = now + retryAfterSeconds * 1000;
      const value = `${until}|rate limited: Retry-After ${retryAfterSeconds}s`;
      pipeline.set(this.k.cooldown(key), value, 'PX', retryAfterSeconds * 1000);
      this.local(key, { cooldownUntil: until, reason: value.split('|')[1]! });
      recordProviderCooldown(key, 'rate_limited');
    }
    const { failures, windowMs, cooldownMs } = this.options;
    const until = now + cooldownMs;
    const reason = probe ? 'circuit open: the half-open probe failed' : `circuit open: ${failures} failures within ${windowMs / 1000}s`;
    pipeline.voxqProviderFailure(
      this.k.failures(key),
      this.k.breaker(key),
      this.k.cooldown(key),
      this.k.probe(key),
      windowMs,
      failures,
      cooldownMs,
      `${until}|${reason}`,
      probe ? '1' : '0',
    );
    const results = (await pipeline.exec()) ?? [];
    if (results.at(-1)?.[1] === 1) {
      // Only the call that tripped it sees 1: summed over workers, each opening counts once.
      this.local(key, { cooldownUntil: until, reason, breakerOpen: true });
      recordProviderCooldown(key, 'breaker_open');
    }
  }

  /** A probe that made no call (the provider was at its limit, or the input was bad): let another caller probe. */
  async releaseProbe(key: string): Promise<void> {
    await this.redis.del(this.k.probe(key));
  }

  /** A call that worked: a successful probe closes the breaker. */
  async recordSuccess(key: string, probe: boolean): Promise<void> {
    if (!probe) return;
    await this.redis.del(this.k.breaker(key), this.k.probe(key), this.k.failures(key), this.k.cooldown(key));
    this.local(key, { cooldownUntil: 0, reason: '', breakerOpen: false });
  }

  view(key: string, now = Date.now()): ProviderStateView {
    const state = this.snapshot.get(key);
    if (!state) return { state: 'closed', cooldownUntil: null, reason: null };
    const cooling = state.cooldownUntil > now;
    return {
      state: state.breakerOpen ? (cooling ? 'open' : 'half-open') : 'closed',
      cooldownUntil: cooling ? new Date(state.cooldownUntil).toISOString() : null,
      reason: cooling || state.breakerOpen ? state.reason || null : null,
    };
  }

  private local(key: string, patch: Partial<Snapshot>): void {
    const current = this.snapshot.get(key) ?? { cooldownUntil: 0, reason: '', breakerOpen: false };
    this.snapshot.set(key, { ...current, ...patch });
  }

  close(): void {
    clearInterval(this.timer);
  }
}
