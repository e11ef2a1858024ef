import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingIntent } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { createLogger } from '@voxq/logging';
import { cleanupPrefix, testConfig, scanKeys } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import type { LlmProvider, LlmResponse, ProviderProfile } from './provider';
import { createProviderRuntime } from './provider-runtime';
import { ProviderRegistry } from './registry';
import { ProviderRouter } from './router';
import { getScoresRun, SCORES_RUN_TTL_SECONDS } from './scores-run';

const logger = createLogger({ name: 'test', level: 'silent' });
const routing = { intent: { language: 'en', optimizeFor: 'balanced' as const }, constraints: {} };

/** A fake LLM whose behaviour each test scripts; calls are recorded with the model used. */
function fake(
  name: string,
  behave: (signal: AbortSignal) => Promise<string> = async () => `${name} says hi`,
  profile?: ProviderProfile,
): LlmProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    ...(profile ? { profile } : {}),
    capability: 'llm',
    languages: '*',
    defaultModel: `${name}-model`,
    calls,
    async complete(request, ctx): Promise<LlmResponse> {
      calls.push(request.model ?? '');
      const text = await behave(ctx.signal);
      return { text, model: request.model ?? '', usage: { promptTokens: 1, completionTokens: 1 }, finishReason: 'stop' };
    },
  };
}

const fail = (error: unknown) => async (): Promise<string> => {
  throw error;
};

describe('ProviderRouter', () => {
  const config = testConfig();
  let redis: RedisClient;
  // Each router's runtime keeps timers on `redis`: closed before it, or a late flush fails outside any test.
  const runtimes: Array<ReturnType<typeof createProviderRuntime>> = [];
  const runtime = (providers: LlmProvider[], forConfig: typeof config) => {
    const made = createProviderRuntime(forConfig, redis, logger, new ProviderRegistry(providers));
    runtimes.push(made);
    return made;
  };
  const router = (providers: LlmProvider[], timeoutMs = 5_000, options: { maxCandidates?: number; config?: typeof config } = {}) =>
    new ProviderRouter({
      runtime: runtime(providers, options.config ?? config),
      redis,
      prefix: config.redis.prefix,
      timeoutMs,
      attemptDeadlineMs: 60_000,
      maxCandidates: options.maxCandidates ?? 3,
      logger,
    });
  const complete = (r: ProviderRouter, signal = new AbortController().signal, constraints = {}, intent: Partial<RoutingIntent> = {}) =>
    r.run(
      'llm',
      { intent: { ...routing.intent, ...intent }, constraints },
      (provider, model, callSignal) => provider.complete({ model, messages: [{ role: 'user', content: 'hi' }] }, { signal: callSignal, logger }),
      { signal, logger },
    );

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
  });
  afterEach(() => cleanupPrefix(config));
  afterAll(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
    await redis.quit();
  });

  it('calls the first candidate and records the ranking as a scores run', async () => {
    const a = fake('alpha');
    const b = fake('beta');
    const result = await complete(router([a, b]));

    expect(result).toMatchObject({ provider: 'alpha', model: 'alpha-model', failoverCount: 0 });
    expect(result.value.text).toBe('alpha says hi');
    expect(result.scoresRunId).toMatch(/^sr_[0-9a-f]{32}$/);
    expect(result.attempts).toEqual([{ provider: 'alpha', model: 'alpha-model', ms: expect.any(Number) }]);
    expect(b.calls).toEqual([]);

    const run = await getScoresRun(redis, config.redis.prefix, result.scoresRunId);
    expect(run).toMatchObject({
      id: result.scoresRunId,
      capability: 'llm',
      intent: routing.intent,
      constraints: {},
      candidates: [
        { provider: 'alpha', model: 'alpha-model', rank: 1 },
        { provider: 'beta', model: 'beta-model', rank: 2 },
      ],
      excluded: [],
    });
    const ttl = await redis.ttl(`${config.redis.prefix}:scores-run:${result.scoresRunId}`);
    expect(ttl).toBeGreaterThan(SCORES_RUN_TTL_SECONDS - 60);
  });

  it('fails over on upstream errors, counting the providers tried before', async () => {
    const a = fake('alpha', fail(errors.providerUnavailable('alpha', 'HTTP 503')));
    const b = fake('beta', fail(errors.providerMisconfigured('beta', 'HTTP 401')));
    const c = fake('gamma');
    const result = await complete(router([a, b, c]));

    expect(result).toMatchObject({ provider: 'gamma', failoverCount: 2 });
    expect(result.attempts.map((t) => [t.provider, t.error?.code])).toEqual([
      ['alpha', 'provider_unavailable'],
      ['beta', 'provider_misconfigured'],
      ['gamma', undefined],
    ]);
  });

  it('honours allowedProviders and the pinned model, and excludes the rest in the scores run', async () => {
    const a = fake('alpha');
    const b = fake('beta');
    const result = await complete(router([a, b]), undefined, { allowedProviders: { llm: ['beta'] }, models: { llm: 'pinned-1' } });

    expect(result).toMatchObject({ provider: 'beta', model: 'pinned-1' });
    expect(b.calls).toEqual(['pinned-1']);
    const run = await getScoresRun(redis, config.redis.prefix, result.scoresRunId);
    expect(run?.excluded).toEqual([{ provider: 'alpha', by: 'allowedProviders', reason: 'not in allowedProviders.llm' }]);
  });

  it('throws an input error at once, without trying the next provider', async () => {
    const b = fake('beta');
    const r = router([fake('alpha', fail(errors.providerRejectedInput('alpha', 'HTTP 400: bad'))), b]);
    await expect(complete(r)).rejects.toMatchObject({ code: 'provider_rejected_input' });
    expect(b.calls).toEqual([]);
  });

  it('treats an unexpected throw as the provider being unavailable', async () => {
    const result = await complete(router([fake('alpha', fail(new TypeError('boom'))), fake('beta')]));
    expect(result.attempts[0]?.error).toEqual({ code: 'provider_unavailable', message: 'alpha: boom' });
    expect(result.provider).toBe('beta');
  });

  it('times a hung provider out and moves on, even if it ignores its signal', async () => {
    const hung = fake('alpha', () => new Promise<string>(() => undefined));
    const started = Date.now();
    const result = await complete(router([hung, fake('beta')], 150));
    expect(result.provider).toBe('beta');
    expect(result.attempts[0]?.error).toEqual({ code: 'provider_unavailable', message: 'alpha: timed out after 150 ms' });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops with job_cancelled when the job is cancelled mid-call, without failing over', async () => {
    const controller = new AbortController();
    const b = fake('beta');
    const hung = fake('alpha', (signal) => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    setTimeout(() => controller.abort(), 50);
    await expect(complete(router([hung, b]), controller.signal)).rejects.toMatchObject({ code: 'job_cancelled' });
    expect(b.calls).toEqual([]);
  });

  it('throws all_providers_failed, retryable when any failure was', async () => {
    const r = router([
      fake('alpha', fail(errors.providerMisconfigured('alpha', 'HTTP 401: bad key'))),
      fake('beta', fail(errors.providerUnavailable('beta', 'HTTP 429: slow down', undefined, 3))),
    ]);
    await expect(complete(r)).rejects.toMatchObject({
      code: 'all_providers_failed',
      type: 'provider_error',
      status: 502,
      retryable: true,
      failover: false,
      message: 'Every llm provider failed: alpha: HTTP 401: bad key; beta: HTTP 429: slow down',
    });

    const onlyMisconfigured = router([fake('alpha', fail(errors.providerMisconfigured('alpha', 'HTTP 401')))]);
    await expect(complete(onlyMisconfigured)).rejects.toMatchObject({ code: 'all_providers_failed', retryable: false });
  });

  it('carries the shortest Retry-After when every provider asked to wait', async () => {
    const r = router([
      fake('alpha', fail(errors.providerUnavailable('alpha', 'HTTP 429', undefined, 5))),
      fake('beta', fail(errors.providerUnavailable('beta', 'HTTP 429', undefined, 2))),
    ]);
    await expect(complete(r)).rejects.toMatchObject({ code: 'all_providers_failed', retryAfterSeconds: 2 });
  });

  it('says which constraint left no candidate, and stores no scores run', async () => {
    const r = router([fake('alpha')]);
    await expect(complete(r, undefined, { allowedProviders: { llm: ['anthropic'] } })).rejects.toMatchObject({
      code: 'no_provider_available',
      status: 400,
      message: 'No llm provider can serve this job: allowedProviders.llm excluded alpha; allowedProviders.llm names anthropic, which is not configured',
    });
    // Only scores runs count here: an earlier test's health buckets may still be flushing.
    expect(await scanKeys(redis, `${config.redis.prefix}:scores-run:*`)).toEqual([]);
  });

  it('does not start when the job is already cancelled', async () => {
    const a = fake('alpha');
    await expect(complete(router([a]), AbortSignal.abort())).rejects.toMatchObject({ code: 'job_cancelled' });
    expect(a.calls).toEqual([]);
  });

  it('returns undefined for an unknown scores run', async () => {
    expect(await getScoresRun(redis, config.redis.prefix, 'sr_missing')).toBeUndefined();
  });

  describe('ranking', () => {
    const cheap: ProviderProfile = { quality: 0.5, costPerUnit: 0.1, latencyMs: 2_000, verticals: [] };
    const good: ProviderProfile = { quality: 0.95, costPerUnit: 10, latencyMs: 1_000, verticals: ['healthcare'] };

    it('follows optimizeFor, and the scores run explains the choice', async () => {
      const providers = () => [fake('budget', undefined, cheap), fake('premium', undefined, good)];
      expect((await complete(router(providers()), undefined, {}, { optimizeFor: 'cost' })).provider).toBe('budget');
      const accurate = await complete(router(providers()), undefined, {}, { optimizeFor: 'accuracy' });
      expect(accurate.provider).toBe('premium');
      const run = await getScoresRun(redis, config.redis.prefix, accurate.scoresRunId);
      expect(run?.candidates.map((c) => c.provider)).toEqual(['premium', 'budget']);
      expect(run?.candidates[0]).toMatchObject({ components: { quality: 0.95, latency: 1, health: 1 }, latencyMs: 1_000 });
      expect(run?.candidates[0]?.reason).toMatch(/^accuracy: quality 0.95×0.7 \+ latency 1×0.15 \(1000 ms catalog\) \+ cost .*= /);
      expect(run!.candidates[0]!.score).toBeGreaterThan(run!.candidates[1]!.score);
    });

    it('favours a provider tuned for the vertical', async () => {
      const tie: ProviderProfile = { ...good, verticals: [] };
      const result = await complete(router([fake('plain', undefined, tie), fake('clinical', undefined, good)]), undefined, {}, { vertical: 'healthcare' });
      expect(result.provider).toBe('clinical');
    });
  });

  describe('availability', () => {
    it('skips a provider cooling down (not counted as a failover) and waits when all are', async () => {
      const r = router([fake('alpha', fail(errors.providerUnavailable('alpha', 'HTTP 429', undefined, 30))), fake('beta')]);
      const first = await complete(r);
      expect(first).toMatchObject({ provider: 'beta', failoverCount: 1 });
      const second = await complete(r);
      expect(second).toMatchObject({ provider: 'beta', failoverCount: 0 });
      const run = await getScoresRun(redis, config.redis.prefix, second.scoresRunId);
      expect(run?.excluded).toEqual([{ provider: 'alpha', by: 'availability', reason: 'rate limited: Retry-After 30s' }]);

      const only = router([fake('alpha')]);
      await new Promise((resolve) => setTimeout(resolve, 300)); // The new runtime reads the shared state.
      const busy = await complete(only).catch((e: unknown) => e);
      expect(busy).toMatchObject({ code: 'providers_busy', retryable: true });
      expect((busy as { retryAt: number }).retryAt).toBeGreaterThan(Date.now() + 25_000);
    });

    it('tries at most maxCandidates providers in one attempt', async () => {
      const down = (name: string) => fake(name, fail(errors.providerUnavailable(name, 'HTTP 503')));
      const providers = [down('a'), down('b'), down('c')];
      await expect(complete(router(providers, 5_000, { maxCandidates: 2 }))).rejects.toMatchObject({ code: 'all_providers_failed' });
      expect(providers.map((p) => p.calls.length)).toEqual([1, 1, 0]);
    });

    it('goes past a provider at its limit and waits when every one is', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'voxq-limits-'));
      const file = join(dir, 'voxq.json');
      writeFileSync(file, JSON.stringify({ providers: { alpha: { limits: { maxConcurrency: 1 } }, beta: { limits: { maxConcurrency: 1 } } } }));
      const limited = testConfig({ VOXQ_CONFIG_FILE: file, REDIS_PREFIX: config.redis.prefix });
      let release = () => undefined as void;
      const held = new Promise<string>((resolve) => (release = () => resolve('done')));
      const r = router([fake('alpha', () => held), fake('beta', () => held)], 5_000, { config: limited });
      const first = complete(r);
      const second = complete(r);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(complete(r)).rejects.toMatchObject({ code: 'providers_busy', message: expect.stringContaining('at its limit of 1 requests in flight') });
      release();
      expect((await Promise.all([first, second])).map((x) => x.provider).sort()).toEqual(['alpha', 'beta']);
      rmSync(dir, { recursive: true, force: true });
    });
  });

  it('claims a half-open probe only for a provider it actually calls', async () => {
    const states = `${config.redis.prefix}:provider:llm:beta`;
    await redis.set(`${states}:breaker`, 'open'); // beta's breaker tripped; its cooldown is over.
    const r = router([fake('alpha'), fake('beta')]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // The runtime reads the shared state.
    expect((await complete(r)).provider).toBe('alpha');
    expect(await redis.exists(`${states}:probe`)).toBe(0);
  });
});
