import type { RoutingIntent } from '@voxq/contracts';
import type { Candidate } from './candidates';
import type { HealthSample } from './health/provider-health';
import type { Provider, ProviderProfile } from './provider';

/** How much each quality counts for each `optimizeFor`. */
export const WEIGHTS: Record<RoutingIntent['optimizeFor'], { quality: number; latency: number; cost: number }> = {
  balanced: { quality: 0.4, latency: 0.3, cost: 0.3 },
  accuracy: { quality: 0.7, latency: 0.15, cost: 0.15 },
  latency: { quality: 0.15, latency: 0.7, cost: 0.15 },
  cost: { quality: 0.15, latency: 0.15, cost: 0.7 },
};

/** A provider tuned for the intent's vertical gets this much on top. */
const VERTICAL_BONUS = 0.1;
/** Live figures replace the catalog's once this many calls back them. */
const MIN_CALLS_FOR_LATENCY = 20;
const MIN_CALLS_FOR_ERROR_RATE = 10;

/** Used for a provider without a catalog entry: middling on every count. */
export const UNKNOWN_PROFILE: ProviderProfile = { quality: 0.5, costPerUnit: 1, latencyMs: 1_000, verticals: [] };

export interface ScoreComponents {
  quality: number;
  latency: number;
  cost: number;
  vertical: number;
  /** Multiplier from the live error rate: (1 − errorRate)². */
  health: number;
}

export interface ScoredCandidate<P extends Provider = Provider> extends Candidate<P> {
  score: number;
  components: ScoreComponents;
  /** Latency ranked on (live when measured, else the catalog's). */
  latencyMs: number;
  errorRate: number;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Ranks candidates for an intent: catalog quality, latency and cost weighted by
 * `optimizeFor`, plus a vertical bonus, times a live-health factor. Latency and cost score
 * relative to the best candidate (1 for the fastest or cheapest). Ties keep the configured
 * order. Every candidate's reason spells out its arithmetic for the scores run.
 */
export function scoreCandidates<P extends Provider>(
  candidates: ReadonlyArray<Candidate<P>>,
  intent: RoutingIntent,
  healthOf: (provider: P) => HealthSample | undefined,
): Array<ScoredCandidate<P>> {
  const weights = WEIGHTS[intent.optimizeFor];
  const facts = candidates.map((candidate) => {
    const profile = candidate.provider.profile ?? UNKNOWN_PROFILE;
    const live = healthOf(candidate.provider);
    const liveLatency = live && live.calls >= MIN_CALLS_FOR_LATENCY ? live.latencyMs : null;
    const errorRate = live && live.calls >= MIN_CALLS_FOR_ERROR_RATE ? live.errorRate : 0;
    return { candidate, profile, live, liveLatency, latencyMs: liveLatency ?? profile.latencyMs, errorRate };
  });
  const fastest = Math.min(...facts.map((f) => f.latencyMs));
  const costs = facts.map((f) => f.profile.costPerUnit);
  // A small floor keeps a free provider from making every other one score zero on cost.
  const floor = Math.max(...costs, 0) * 0.05 || 1;
  const cheapest = Math.min(...costs);

  const scored = facts.map((f) => {
    const components: ScoreComponents = {
      quality: f.profile.quality,
      latency: f.latencyMs > 0 ? fastest / f.latencyMs : 1,
      cost: (cheapest + floor) / (f.profile.costPerUnit + floor),
      vertical: intent.vertical && f.profile.verticals.includes(intent.vertical) ? VERTICAL_BONUS : 0,
      health: (1 - f.errorRate) ** 2,
    };
    const base = weights.quality * components.quality + weights.latency * components.latency + weights.cost * components.cost + components.vertical;
    const score = base * components.health;
    const why = [
      `quality ${round(components.quality, 2)}×${weights.quality}`,
      `latency ${round(components.latency, 2)}×${weights.latency} (${Math.round(f.latencyMs)} ms ${f.liveLatency === null ? 'catalog' : 'live'})`,
      `cost ${round(components.cost, 2)}×${weights.cost} ($${f.profile.costPerUnit}/unit)`,
      ...(components.vertical ? [`vertical '${intent.vertical}' +${VERTICAL_BONUS}`] : []),
    ].join(' + ');
    const health =
      f.live && f.live.calls > 0 ? ` × health ${round(components.health, 2)} (${round(f.errorRate * 100, 1)}% errors over ${f.live.calls} calls)` : '';
    return {
      ...f.candidate,
      score: round(score, 4),
      components: {
        ...components,
        quality: round(components.quality),
        latency: round(components.latency),
        cost: round(components.cost),
        health: round(components.health),
      },
      latencyMs: Math.round(f.latencyMs),
      errorRate: round(f.errorRate, 4),
      reason: `${intent.optimizeFor}: ${why}${health} = ${round(score, 3)}`,
    };
  });
  // Array.prototype.sort is stable, so ties keep the configured order.
  scored.sort((a, b) => b.score - a.score);
  return scored.map((candidate, i) => ({ ...candidate, rank: i + 1 }));
}
