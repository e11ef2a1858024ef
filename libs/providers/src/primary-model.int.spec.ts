import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Constraints, RoutingIntent } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { createLogger } from '@voxq/logging';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import type { TtsProvider, TtsResponse } from './provider';
import { createProviderRuntime } from './provider-runtime';
import { ProviderRegistry } from './registry';
import { ProviderRouter } from './router';
import { getScoresRun } from './scores-run';

const logger = createLogger({ name: 'test', level: 'silent' });
const english: RoutingIntent = { language: 'en', optimizeFor: 'balanced' };

/** A fake speech provider recording the model of each call; `fails` makes every call an upstream failure. */
function fake(name: string, options: { fails?: boolean; languages?: readonly string[] } = {}): TtsProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    capability: 'tts',
    languages: options.languages ?? '*',
    defaultModel: `${name}-model`,
    calls,
    async synthesize(request): Promise<TtsResponse> {
      calls.push(request.model ?? '');
      if (options.fails) throw errors.providerUnavailable(name, 'HTTP 503');
      return { audio: Buffer.from('RIFF'), contentType: 'audio/wav', model: request.model ?? '' };
    },
  };
}

describe('ProviderRouter with a primary model', () => {
  const config = testConfig();
  let redis: RedisClient;
  const router = (providers: TtsProvider[]) =>
    new ProviderRouter({
      runtime: createProviderRuntime(config, redis, logger, new ProviderRegistry(providers, { calm: 'gamma/gamma-model' })),
      redis,
      prefix: config.redis.prefix,
      timeoutMs: 5_000,
      attemptDeadlineMs: 60_000,
      maxCandidates: 3,
      logger,
    });
  const speak = (r: ProviderRouter, primaryModel: string, constraints: Constraints = {}, intent = english) =>
    r.run(
      'tts',
      { intent, constraints, primaryModel },
      (provider, model, signal) => provider.synthesize({ model, text: 'hi', speed: 1, language: intent.language }, { signal, logger }),
      { signal: new AbortController().signal, logger },
    );

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
  });
  afterEach(() => cleanupPrefix(config));
  afterAll(() => redis.quit());

  it('calls the provider serving the model first, with it, and ranks it first in the scores run', async () => {
    const [a, b, c] = [fake('alpha'), fake('beta'), fake('gamma')];
    const result = await speak(router([a, b, c]), 'beta-model');
    expect(result).toMatchObject({ provider: 'beta', model: 'beta-model', failoverCount: 0 });
    expect(a.calls).toEqual([]);
    const run = await getScoresRun(redis, config.redis.prefix, result.scoresRunId);
    expect(run?.candidates.map((x) => [x.provider, x.rank])).toEqual([
      ['beta', 1],
      ['alpha', 2],
      ['gamma', 3],
    ]);
    expect(run?.candidates[0]?.reason).toMatch(/^the job's model; /);
  });

  it("fails over to the others with their own models, never the primary's", async () => {
    const [a, b, c] = [fake('alpha'), fake('beta'), fake('gamma', { fails: true })];
    const result = await speak(router([a, b, c]), 'calm');
    expect(result).toMatchObject({ provider: 'alpha', model: 'alpha-model', failoverCount: 1 });
    expect(c.calls).toEqual(['gamma-model']);
    expect(b.calls).toEqual([]);
    expect(result.attempts.map((t) => [t.provider, t.model])).toEqual([
      ['gamma', 'gamma-model'],
      ['alpha', 'alpha-model'],
    ]);
  });

  it('keeps a primary the pin would have sent to every candidate to its own provider', async () => {
    const [a, b] = [fake('alpha', { fails: true }), fake('beta')];
    await speak(router([a, b]), 'alpha/alpha-model');
    expect(a.calls).toEqual(['alpha-model']);
    expect(b.calls).toEqual(['beta-model']);
  });

  it('refuses a model no provider serves (404) and one the job rules out (400), calling nobody', async () => {
    const a = fake('alpha');
    const b = fake('beta', { languages: ['fr'] });
    await expect(speak(router([a, b]), 'sonic-2')).rejects.toMatchObject({ code: 'model_not_found', status: 404, param: 'model' });
    await expect(speak(router([a, b]), 'alpha-model', { allowedProviders: { tts: ['beta'] } })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'model',
      message: expect.stringContaining('not in allowedProviders.tts'),
    });
    await expect(speak(router([a, b]), 'beta-model')).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining("language 'en'") });
    expect([...a.calls, ...b.calls]).toEqual([]);
  });
});
