import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess } from '@voxq/jobs';
import type { Fault, Simulator } from '@voxq/simulator';
import { startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const job = (content: string, extra: Record<string, unknown> = {}) => ({ type: 'complete', input: { messages: [{ role: 'user', content }] }, ...extra });

/** OpenAI and Anthropic, both served by the simulator; OpenAI ranks first (cheaper, faster). */
const twoLlms =
  (extra: Record<string, string> = {}) =>
  (sim: Simulator) => ({
    ANTHROPIC_API_KEY: 'sk-sim-test',
    ANTHROPIC_BASE_URL: sim.baseUrlFor('anthropic'),
    ...extra,
  });

type Result = { provider: string; failoverCount: number; scoresRunId: string; providerAttempts: Array<{ provider: string; error?: { code: string } }> };

describe('failover between providers', () => {
  let stack: SimulatedStack;
  let key: string;
  beforeAll(async () => {
    // A high breaker threshold: this suite looks at one failure at a time.
    stack = await startSimulatedStack(twoLlms({ PROVIDER_TIMEOUT_MS: '500', PROVIDER_BREAKER_FAILURES: '100' }));
    key = (await stack.createKey('acme')).apiKey;
  });
  afterAll(() => stack?.close());

  const run = async (body: unknown) => {
    const submitted = await stack.request(key, 'POST', '/v1/jobs', body);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    return stack.waitForJob(key, submitted.body.id as string);
  };

  const faults: Array<[string, Fault]> = [
    ['a 5xx', { status: 500 }],
    ['a hang past the timeout', { hang: true }],
    ['a connection reset', { reset: true }],
    ['a malformed body', { malformed: true }],
    ['an answer cut off midway', { cut: true }],
    ['a 429 with Retry-After', { status: 429, retryAfterSeconds: 1 }],
  ];

  it.each(faults)('moves on to the next provider after %s, counting the failover', async (_name, fault) => {
    stack.simulator.enqueueFaults([fault], 'openai');
    const done = await run(job(`fault ${JSON.stringify(fault)}`));
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const result = done.result as Result;
    expect(result).toMatchObject({ provider: 'anthropic', failoverCount: 1 });
    expect(result.providerAttempts.map((a) => [a.provider, a.error?.code])).toEqual([
      ['openai', 'provider_unavailable'],
      ['anthropic', undefined],
    ]);
    expect(done.attempts).toBe(1);
  });

  it('fails a job at once when the input is at fault, without trying another provider', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // Let the 429's cooldown pass.
    const anthropicCalls = stack.simulator.requests('anthropic').length;
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const done = await run(job('bad input'));
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'provider_rejected_input', retryable: false } });
    expect((done.error as { message: string }).message).toContain('messages: bad shape');
    expect(stack.simulator.requests('anthropic')).toHaveLength(anthropicCalls);
  });

  it('pins a provider with allowedProviders', async () => {
    const openaiCalls = stack.simulator.requests('openai').length;
    const done = await run(job('pinned', { constraints: { allowedProviders: { llm: ['anthropic'] } } }));
    expect((done.result as Result).provider).toBe('anthropic');
    expect(stack.simulator.requests('openai')).toHaveLength(openaiCalls);
  });

  it('explains the choice in the scores run, to its tenant only', async () => {
    const done = await run(job('why', { intent: { language: 'en', optimizeFor: 'accuracy' } }));
    const { scoresRunId, provider } = done.result as Result;
    const res = await stack.request(key, 'GET', `/v1/scores-runs/${scoresRunId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'scores_run', id: scoresRunId, capability: 'llm', intent: { optimizeFor: 'accuracy' } });
    const candidates = res.body.candidates as Array<{ provider: string; rank: number; score: number; reason: string }>;
    expect(candidates.map((c) => c.provider)).toEqual([provider, expect.any(String)]);
    expect(candidates[0]!.score).toBeGreaterThanOrEqual(candidates[1]!.score);
    expect(candidates[0]!.reason).toMatch(/^accuracy: quality .*×0\.7/);
    const other = (await stack.createKey('globex')).apiKey;
    expect((await stack.request(other, 'GET', `/v1/scores-runs/${scoresRunId}`)).status).toBe(404);
  });

  it('returns inline tool calls for the client to answer, from either provider', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    for (const llm of ['openai', 'anthropic']) {
      const done = await run(
        job('What is the weather in Paris?', {
          input: { messages: [{ role: 'user', content: 'weather?' }], tools, toolChoice: 'required' },
          constraints: { allowedProviders: { llm: [llm] } },
        }),
      );
      expect(done.result, llm).toMatchObject({
        provider: llm,
        finishReason: 'tool_calls',
        toolCalls: [{ id: expect.any(String), name: 'get_weather', args: expect.any(String) }],
      });
    }
  });

  it('lists the catalog and each provider’s health', async () => {
    const models = await stack.request(key, 'GET', '/v1/models?recommended_for=llm');
    expect(models.body.data).toEqual([
      expect.objectContaining({ object: 'model', owned_by: 'openai', capability: 'llm', rank: 1 }),
      expect.objectContaining({ object: 'model', owned_by: 'anthropic', capability: 'llm', rank: 2 }),
    ]);
    expect((await stack.request(key, 'GET', '/v1/models?recommended_for=video')).status).toBe(400);
    const providers = await stack.request(key, 'GET', '/v1/providers');
    const openai = (providers.body.data as Array<{ id: string; capability: string }>).find((p) => p.id === 'openai' && p.capability === 'llm');
    expect(openai).toMatchObject({ object: 'provider', state: 'closed', profile: { quality: expect.any(Number) }, health: { windowSeconds: 60 } });
  });
});

describe('circuit breaker and waiting for providers', () => {
  it('takes a failing provider out of rotation, visibly, and jobs go on without failover', async () => {
    const stack = await startSimulatedStack(twoLlms({ PROVIDER_BREAKER_FAILURES: '2', PROVIDER_BREAKER_COOLDOWN_MS: '60000' }));
    try {
      const key = (await stack.createKey('acme')).apiKey;
      stack.simulator.enqueueFaults([{ status: 503 }, { status: 503 }], 'openai');
      for (const n of [1, 2]) {
        const done = await stack.waitForJob(key, (await stack.request(key, 'POST', '/v1/jobs', job(`trip ${n}`))).body.id as string);
        expect((done.result as Result).failoverCount).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 400)); // Every process re-reads breaker state within 250 ms.
      const providers = await stack.request(key, 'GET', '/v1/providers');
      const openai = (providers.body.data as Array<{ id: string; capability: string }>).find((p) => p.id === 'openai' && p.capability === 'llm');
      expect(openai).toMatchObject({ state: 'open', reason: 'circuit open: 2 failures within 30s', cooldownUntil: expect.any(String) });

      const openaiCalls = stack.simulator.requests('openai').length;
      const done = await stack.waitForJob(key, (await stack.request(key, 'POST', '/v1/jobs', job('after'))).body.id as string);
      expect(done.result).toMatchObject({ provider: 'anthropic', failoverCount: 0 });
      expect(stack.simulator.requests('openai')).toHaveLength(openaiCalls);
    } finally {
      await stack.close();
    }
  });

  it('delays a job while its only provider cools down, then completes it', async () => {
    const stack = await startSimulatedStack({ JOB_BACKOFF_MS: '10' });
    try {
      const key = (await stack.createKey('acme')).apiKey;
      stack.simulator.enqueueFaults([{ status: 429, retryAfterSeconds: 2 }]);
      const submitted = await stack.request(key, 'POST', '/v1/jobs', job('patient'));
      const done = await stack.waitForJob(key, submitted.body.id as string);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      const calls = stack.simulator.requests('openai');
      expect(calls).toHaveLength(2);
      // The retry found the provider cooling down and waited for it instead of failing. Measured
      // between the two calls as the provider saw them: a slow answer to the submit (a busy
      // machine) cannot eat into it, as it could into a clock started after the submit.
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1_500);
    } finally {
      await stack.close();
    }
  });

  it('holds a provider’s concurrency limit across two worker processes under a burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxq-e2e-limits-'));
    const file = join(dir, 'voxq.json');
    writeFileSync(file, JSON.stringify({ providers: { openai: { limits: { maxConcurrency: 2 } } } }));
    const stack = await startSimulatedStack({ VOXQ_CONFIG_FILE: file, JOB_BACKOFF_MS: '10' });
    const second = await startWorkerProcess(stack.config, stack.logger, { batches: false });
    try {
      stack.simulator.setLatency({ latencyMs: 40 });
      const key = (await stack.createKey('acme')).apiKey;
      const res = await stack.request(key, 'POST', '/v1/jobs:batch', { jobs: Array.from({ length: 24 }, (_, i) => job(`burst ${i}`)) });
      const ids = (res.body.data as Array<{ id: string }>).map((j) => j.id);
      const done = await Promise.all(ids.map((id) => stack.waitForJob(key, id, 60_000)));
      expect(done.map((d) => d.status)).toEqual(ids.map(() => 'completed'));
      expect(stack.simulator.stats('openai').maxInFlight).toBeLessThanOrEqual(2);
    } finally {
      await second.close();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
