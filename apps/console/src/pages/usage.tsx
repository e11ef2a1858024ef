import { formatNumber, formatTime } from '../format';
import { ErrorNote, Section, useApi, useLoad } from '../ui';

interface Usage {
  period: string;
  jobs: number;
  allowance: number | null;
  remaining: number | null;
  resetsAt: string;
  rateLimit: { perSecond: number; burst: number } | null;
  totalSessions: number;
  totalMinutes: number;
  totalCost: number;
  breakdown: Array<{ provider: string; type: string; metric: string; quantity: number; cost: number; unitPriceUsd: number | null; unit: string | null }>;
}

const METRIC_NAMES: Record<string, string> = {
  jobs: 'Jobs',
  audio_minutes: 'Audio minutes',
  characters: 'Characters',
  input_tokens: 'Input tokens',
  output_tokens: 'Output tokens',
  images: 'Images',
  sessions: 'Realtime sessions',
  session_minutes: 'Session minutes',
};
const usd = (n: number) => n.toLocaleString(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });

export function UsagePage() {
  const api = useApi();
  const usage = useLoad((signal) => api.get<Usage>('/v1/usage', signal), [api]);
  if (usage.error) return <ErrorNote error={usage.error} title="Usage could not be loaded" />;
  const u = usage.data;
  if (!u) return <p class="muted">Loading…</p>;
  const share = u.allowance ? Math.min(1, u.jobs / u.allowance) : 0;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Usage</h1>
          <p class="muted">
            This month ({u.period}). The allowance resets {formatTime(u.resetsAt)}.
          </p>
        </div>
      </div>
      <div class="stats">
        <Section title="Jobs this month" id="usage-jobs">
          <p class="stat">
            {formatNumber(u.jobs)}
            <span class="stat-of">{u.allowance === null ? ' · no monthly limit' : ` of ${formatNumber(u.allowance)}`}</span>
          </p>
          {u.allowance !== null ? (
            <>
              <progress
                max={u.allowance}
                value={Math.min(u.jobs, u.allowance)}
                aria-label="Share of the monthly allowance used"
                class={share > 0.9 ? 'is-high' : undefined}
              />
              <p class="muted small">{`${formatNumber(u.remaining)} left`}</p>
            </>
          ) : null}
        </Section>
        <Section title="Rate limit" id="usage-rate">
          <p class="stat">{u.rateLimit ? `${formatNumber(u.rateLimit.perSecond)}/s` : 'Unlimited'}</p>
          <p class="muted small">{u.rateLimit ? `Bursts of up to ${formatNumber(u.rateLimit.burst)} requests, for this key.` : 'This key is not throttled.'}</p>
        </Section>
        <Section title="Completed" id="usage-completed">
          <p class="stat">{formatNumber(u.totalSessions)}</p>
          <p class="muted small">{`${u.totalMinutes.toFixed(1)} audio minutes · ${usd(u.totalCost)} at catalog prices`}</p>
        </Section>
      </div>
      <Section title="By provider">
        {u.breakdown.length === 0 ? (
          <p class="muted">Nothing used yet this month.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Usage by provider and metric</caption>
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Capability</th>
                  <th scope="col">Metric</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {u.breakdown.map((line) => (
                  <tr key={`${line.provider}/${line.type}/${line.metric}`}>
                    <th scope="row">{line.provider}</th>
                    <td>{line.type}</td>
                    <td>{METRIC_NAMES[line.metric] ?? line.metric}</td>
                    <td class="num">{formatNumber(line.quantity)}</td>
                    <td class="num">{line.unitPriceUsd === null ? '—' : usd(line.cost)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
