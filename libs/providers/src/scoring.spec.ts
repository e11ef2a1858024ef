import { describe, expect, it } from 'vitest';
import type { RoutingIntent } from '@voxq/contracts';
import type { Candidate } from './candidates';
import type { HealthSample } from './health/provider-health';
import type { ProviderProfile, SttProvider } from './provider';
import { scoreCandidates, UNKNOWN_PROFILE, WEIGHTS } from './scoring';

function stt(name: string, profile?: ProviderProfile): SttProvider {
  return {
    name,
    capability: 'stt',
    languages: '*',
    defaultModel: `${name}-1`,
    ...(profile ? { profile } : {}),
    transcribe: async () => ({ text: '', model: `${name}-1`, durationSeconds: 0 }),
  };
}

const candidate = (provider: SttProvider, rank: number): Candidate<SttProvider> => ({
  provider,
  model: provider.defaultModel,
  rank,
  reason: 'configured order',
});
const candidates = (...providers: SttProvider[]) => providers.map((p, i) => candidate(p, i + 1));
const intent = (optimizeFor: RoutingIntent['optimizeFor'], vertical?: string): RoutingIntent => ({
  language: 'en',
  optimizeFor,
  ...(vertical ? { vertical } : {}),
});
const noHealth = () => undefined;
const health = (samples: Record<string, HealthSample>) => (p: SttProvider) => samples[p.name];
const sample = (calls: number, errorRate: number, latencyMs: number | null = null): HealthSample => ({
  calls,
  failures: Math.round(calls * errorRate),
  latencyMs,
  errorRate,
});

const profile = (quality: number, costPerUnit: number, latencyMs: number, verticals: string[] = []): ProviderProfile => ({
  quality,
  costPerUnit,
  latencyMs,
  verticals,
});

describe('WEIGHTS', () => {
  it('sums to 1 for every intent and leans on what the intent names', () => {
    for (const [optimizeFor, w] of Object.entries(WEIGHTS))
      expect([optimizeFor, Math.round((w.quality + w.latency + w.cost) * 100)]).toEqual([optimizeFor, 100]);
    expect(WEIGHTS.balanced).toEqual({ quality: 0.4, latency: 0.3, cost: 0.3 });
    expect(WEIGHTS.accuracy).toEqual({ quality: 0.7, latency: 0.15, cost: 0.15 });
    expect(WEIGHTS.latency).toEqual({ quality: 0.15, latency: 0.7, cost: 0.15 });
    expect(WEIGHTS.cost).toEqual({ quality: 0.15, latency: 0.15, cost: 0.7 });
  });
});

describe('scoreCandidates', () => {
  const accurate = stt('accurate', profile(0.9, 4, 2_000));
  const fast = stt('fast', profile(0.6, 2, 500));
  const cheap = stt('cheap', profile(0.5, 1, 1_000));

  it('scores each quality relative to the best candidate and explains its arithmetic', () => {
    const [first, ...rest] = scoreCandidates(candidates(accurate, fast, cheap), intent('balanced'), noHealth);
    // fast: 0.4×0.6 + 0.3×1 + 0.3×(1+0.2)/(2+0.2) = 0.24 + 0.3 + 0.1636…
    expect(first).toMatchObject({
      provider: fast,
      rank: 1,
      score: 0.7036,
      components: { quality: 0.6, latency: 1, cost: 0.545, vertical: 0, health: 1 },
      latencyMs: 500,
      errorRate: 0,
      reason: 'balanced: quality 0.6×0.4 + latency 1×0.3 (500 ms catalog) + cost 0.55×0.3 ($2/unit) = 0.704',
    });
    expect(rest.map((c) => [c.provider.name, c.rank, c.score])).toEqual([
      ['cheap', 2, 0.65],
      ['accurate', 3, 0.5207],
    ]);
  });

  it.each([
    ['accuracy', 'accurate'],
    ['latency', 'fast'],
    ['cost', 'cheap'],
  ] as const)('puts first, optimizing for %s, the candidate best at it', (optimizeFor, best) => {
    expect(scoreCandidates(candidates(accurate, fast, cheap), intent(optimizeFor), noHealth)[0]?.provider.name).toBe(best);
  });

  it('adds the vertical bonus only to providers tuned for the intent vertical', () => {
    const medical = stt('medical', profile(0.5, 1, 1_000, ['medical']));
    const plain = stt('plain', profile(0.5, 1, 1_000));
    const [first, second] = scoreCandidates(candidates(plain, medical), intent('balanced', 'medical'), noHealth);
    expect(first).toMatchObject({ provider: medical, score: 0.9, components: { vertical: 0.1 } });
    expect(first?.reason).toBe("balanced: quality 0.5×0.4 + latency 1×0.3 (1000 ms catalog) + cost 1×0.3 ($1/unit) + vertical 'medical' +0.1 = 0.9");
    expect(second).toMatchObject({ provider: plain, score: 0.8, components: { vertical: 0 } });
    expect(scoreCandidates(candidates(plain, medical), intent('balanced'), noHealth).map((c) => c.score)).toEqual([0.8, 0.8]);
    expect(scoreCandidates(candidates(plain, medical), intent('balanced', 'legal'), noHealth).map((c) => c.components.vertical)).toEqual([0, 0]);
  });

  it('keeps the configured order among several tied candidates', () => {
    const tied = ['e', 'd', 'c', 'b', 'a'].map((name) => stt(name, profile(0.5, 1, 1_000)));
    expect(scoreCandidates(candidates(...tied), intent('balanced'), noHealth).map((c) => c.provider.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('keeps the configured order on a tie', () => {
    const a = stt('a', profile(0.5, 1, 1_000));
    const b = stt('b', profile(0.5, 1, 1_000));
    expect(scoreCandidates(candidates(b, a), intent('balanced'), noHealth).map((c) => [c.provider.name, c.rank])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('scores a provider without a catalog entry as middling', () => {
    const [scored] = scoreCandidates(candidates(stt('unknown')), intent('balanced'), noHealth);
    expect(UNKNOWN_PROFILE).toEqual({ quality: 0.5, costPerUnit: 1, latencyMs: 1_000, verticals: [] });
    expect(scored).toMatchObject({ score: 0.8, latencyMs: 1_000, components: { quality: 0.5, latency: 1, cost: 1 } });
  });

  it('keeps a free provider from zeroing every other cost score', () => {
    const free = stt('free', profile(0.5, 0, 1_000));
    const paid = stt('paid', profile(0.5, 10, 1_000));
    const scored = scoreCandidates(candidates(free, paid), intent('cost'), noHealth);
    // floor = 5% of the dearest: (0 + 0.5) / (10 + 0.5)
    expect(scored.map((c) => c.components.cost)).toEqual([1, 0.048]);
    const allFree = scoreCandidates(candidates(free, stt('free2', profile(0.5, 0, 1_000))), intent('cost'), noHealth);
    expect(allFree.map((c) => c.components.cost)).toEqual([1, 1]);
  });

  it('gives a provider with no latency figure full marks rather than dividing by zero', () => {
    const instant = stt('instant', profile(0.5, 1, 0));
    expect(scoreCandidates(candidates(instant), intent('latency'), noHealth)[0]?.components.latency).toBe(1);
  });

  it('uses live latency once 20 calls back it, else the catalog', () => {
    const slowInCatalog = stt('s', profile(0.5, 1, 2_000));
    const at = (calls: number, latencyMs: number | null) =>
      scoreCandidates(candidates(slowInCatalog), intent('latency'), health({ s: sample(calls, 0, latencyMs) }))[0];
    expect(at(20, 300)).toMatchObject({ latencyMs: 300 });
    expect(at(20, 300)?.reason).toContain('(300 ms live)');
    expect(at(19, 300)).toMatchObject({ latencyMs: 2_000 });
    expect(at(19, 300)?.reason).toContain('(2000 ms catalog)');
    expect(at(50, null)).toMatchObject({ latencyMs: 2_000 });
    expect(at(19, 300)?.reason).toContain('× health 1 (0% errors over 19 calls)');
  });

  it('multiplies by (1 − error rate)² once 10 calls back the rate, and says so', () => {
    const p = stt('p', profile(0.5, 1, 1_000));
    const at = (calls: number, errorRate: number) => scoreCandidates(candidates(p), intent('balanced'), health({ p: sample(calls, errorRate) }))[0];
    expect(at(10, 0.5)).toMatchObject({ score: 0.2, errorRate: 0.5, components: { health: 0.25 } });
    expect(at(10, 0.5)?.reason).toBe(
      'balanced: quality 0.5×0.4 + latency 1×0.3 (1000 ms catalog) + cost 1×0.3 ($1/unit) × health 0.25 (50% errors over 10 calls) = 0.2',
    );
    expect(at(9, 0.5)).toMatchObject({ score: 0.8, errorRate: 0, components: { health: 1 } });
    expect(at(0, 0)?.reason).not.toContain('health');
  });

  it('ranks a failing provider below a healthy one it would otherwise beat', () => {
    const best = stt('best', profile(0.9, 1, 500));
    const worse = stt('worse', profile(0.6, 1, 500));
    const ranked = scoreCandidates(candidates(best, worse), intent('balanced'), health({ best: sample(100, 0.4), worse: sample(100, 0) }));
    expect(ranked.map((c) => c.provider.name)).toEqual(['worse', 'best']);
  });
});
