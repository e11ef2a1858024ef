import type { Capability } from '@voxq/contracts';
import { parseCounterField, type UsageMetric } from './job-usage';

/** A catalog price: USD per unit of `PRICE_UNIT[capability]` (a provider profile's `costPerUnit`); undefined when unknown. */
export type PriceOf = (capability: Capability, provider: string) => number | undefined;

/**
 * The unit each capability's `costPerUnit` is in (libs/providers `ProviderProfile`), and the
 * metrics it prices: speech-to-text by audio minute in, text-to-speech by characters, LLMs
 * by tokens in and out (one blended price), embeddings by tokens in, images by the image,
 * realtime sessions by the minute they are open.
 */
export const PRICE_UNIT: Readonly<Record<Capability, { unit: string; perUnits: number; priced: readonly UsageMetric[] }>> = {
  stt: { unit: 'audio minute', perUnits: 60_000, priced: ['audio_ms'] },
  tts: { unit: '1M characters', perUnits: 1_000_000, priced: ['characters'] },
  llm: { unit: '1M tokens', perUnits: 1_000_000, priced: ['input_tokens', 'output_tokens'] },
  embedding: { unit: '1M tokens', perUnits: 1_000_000, priced: ['input_tokens'] },
  image: { unit: 'image', perUnits: 1, priced: ['images'] },
  realtime: { unit: 'session minute', perUnits: 60_000, priced: ['session_ms'] },
};

/** One line of the breakdown, in the Speko SDK's `UsageByProvider` shape plus the price used. */
export interface UsageLine {
  provider: string;
  /** The capability (`stt`, `tts`, `llm`; `embedding` for embeddings). */
  type: Capability;
  metric: 'jobs' | 'audio_minutes' | 'characters' | 'input_tokens' | 'output_tokens' | 'images' | 'sessions' | 'session_minutes';
  /** Always `MANAGED`: tenants use the operator's provider keys (voxq has no bring-your-own-key). */
  keySource: 'MANAGED';
  quantity: number;
  /** USD; 0 for metrics the capability is not priced by (jobs, a TTS job's audio minutes). */
  cost: number;
  /** The catalog price applied, per `unit`; null when the metric is not priced or the provider is no longer configured. */
  unitPriceUsd: number | null;
  unit: string | null;
}

export interface UsageTotals {
  /** Completed jobs and realtime sessions in the period (the SDK's `totalSessions`). */
  totalSessions: number;
  /** Audio minutes: transcribed (in) plus synthesized (out). */
  totalMinutes: number;
  totalCost: number;
  breakdown: UsageLine[];
}

const round = (n: number, places: number) => Number(n.toFixed(places));
const METRIC_NAME: Record<UsageMetric, UsageLine['metric']> = {
  jobs: 'jobs',
  audio_ms: 'audio_minutes',
  characters: 'characters',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  images: 'images',
  sessions: 'sessions',
  session_ms: 'session_minutes',
};

/**
 * Sums day counters (`<capability>|<provider>|<metric>` → count) and prices them with
 * today's catalog: cost is computed when usage is read, so a price changed in the config file
 * reprices past usage too (voxq records quantities, not charges).
 */
export function summarizeUsage(days: Array<Record<string, string>>, priceOf: PriceOf): UsageTotals {
  const sums = new Map<string, number>();
  for (const day of days) for (const [field, value] of Object.entries(day)) sums.set(field, (sums.get(field) ?? 0) + Number(value));

  const breakdown: UsageLine[] = [];
  let totalSessions = 0;
  let audioMs = 0;
  let totalCost = 0;
  for (const [field, count] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseCounterField(field);
    if (!parsed || !Number.isFinite(count)) continue;
    const { capability, provider, metric } = parsed;
    const unit = PRICE_UNIT[capability];
    const price = unit.priced.includes(metric) ? (priceOf(capability, provider) ?? null) : null;
    // Audio and sessions are counted in ms and shown in minutes; their prices are per minute, so one divisor serves both.
    const quantity = metric === 'audio_ms' || metric === 'session_ms' ? count / 60_000 : count;
    const cost = (count / unit.perUnits) * (price ?? 0);
    if (metric === 'jobs' || metric === 'sessions') totalSessions += count;
    if (metric === 'audio_ms') audioMs += count;
    totalCost += cost;
    breakdown.push({
      provider,
      type: capability,
      metric: METRIC_NAME[metric],
      keySource: 'MANAGED',
      quantity: round(quantity, 4),
      cost: round(cost, 6),
      unitPriceUsd: price,
      unit: price === null ? null : unit.unit,
    });
  }
  return { totalSessions, totalMinutes: round(audioMs / 60_000, 4), totalCost: round(totalCost, 6), breakdown };
}
