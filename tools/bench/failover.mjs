// The failover phase of `npm run bench`: the same `complete` jobs with the primary LLM
// provider healthy, then answering 30% of its requests with a 503, and what that costs.
//
// Two LLM providers point at one provider simulator (its own process): OpenAI at
// `<sim>/openai/v1` and Anthropic at `<sim>/anthropic`, each with a simulated latency
// (50 ± 20 ms by default). Every run gets fresh api and worker processes, a fresh
// REDIS_PREFIX and tenant, so health, breakers and counts never carry over:
//
//   no faults     the reference; its warm-up tells which provider ranks first (the primary)
//   defaults      chaos on the primary (rate 0.3, 503), voxq's default breaker (5 failures
//                 in 30 s open it for 30 s) and live-health ranking: what production does
//   breaker off   the same with PROVIDER_BREAKER_FAILURES=1000000: live-health ranking only
//   pinned        breaker off and catalog overrides (VOXQ_CONFIG_FILE) that keep the primary
//                 first even at 30% errors: every job tries it first, pure per-request failover
//   cooldown      the default breaker with a 1 s cooldown, so half-open probes happen in the
//                 run; `cooldown-pinned` the same with the primary pinned first
//
// Each run: a warm-up (not measured), then BENCH_FAILOVER_JOBS jobs offered at
// BENCH_FAILOVER_RATE jobs/s through POST /v1/jobs:batch, until every job is finished (or
// BENCH_TIMEOUT_S). Figures come from the job records (one pipeline of HMGETs): status,
// result.provider / failoverCount / providerAttempts, and latency = finishedAt − createdAt.
//
// This file holds the variants and the shared set-up (the simulator, the providers' env);
// failover-run.mjs runs one variant, failover-figures.mjs and failover-breaker.mjs measure
// it, failover-print.mjs prints the phase.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/net.mjs';
import { round } from './failover-figures.mjs';
import { runVariant, simulatorAdmin } from './failover-run.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { httpOk, until } from './wait.mjs';

const PROVIDERS = ['openai', 'anthropic'];

export const VARIANTS = [
  { id: 'nofault', label: 'no faults', chaos: false },
  { id: 'defaults', label: '30% 503s on the primary, breaker defaults', chaos: true },
  { id: 'nobreaker', label: '30% 503s, breaker off', chaos: true, env: { PROVIDER_BREAKER_FAILURES: '1000000' } },
  { id: 'pinned', label: '30% 503s, breaker off, primary pinned first', chaos: true, env: { PROVIDER_BREAKER_FAILURES: '1000000' }, pin: true },
  { id: 'cooldown', label: '30% 503s, breaker 5/30 s, 1 s cooldown', chaos: true, env: { PROVIDER_BREAKER_COOLDOWN_MS: '1000' } },
  { id: 'cooldown-pinned', label: '30% 503s, 1 s cooldown, primary pinned first', chaos: true, env: { PROVIDER_BREAKER_COOLDOWN_MS: '1000' }, pin: true },
];

/**
 * Runs every variant (fresh api + worker per run, one simulator for all) and returns their
 * figures with each faulted run's latency and throughput as a ratio of the no-fault run's.
 */
export async function runFailover({ env, redis, prefix, opts, step }) {
  const simulatorPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const baseEnv = { ...env };
  // Only the two providers under test are candidates, whatever the caller's environment holds.
  for (const name of Object.keys(baseEnv)) if (/_API_KEY$/.test(name) || name === 'VOXQ_CONFIG_FILE') delete baseEnv[name];
  Object.assign(baseEnv, {
    OPENAI_API_KEY: 'sk-sim-bench',
    OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
    ANTHROPIC_API_KEY: 'sk-sim-bench',
    ANTHROPIC_BASE_URL: `${simulatorUrl}/anthropic`,
    SIMULATOR_PORT: String(simulatorPort),
    API_HOST: '127.0.0.1',
    WORKER_QUEUES: 'complete',
    WORKER_CONCURRENCY: String(opts.concurrency),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // Production refuses to start without a tenant secrets key; the run's apps share this one.
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The bench measures failover, not the per-key and per-tenant limits.
    API_RATE_LIMIT_PER_SECOND: '0',
    TENANT_MONTHLY_JOB_ALLOWANCE: '0',
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
  });
  // NODE_ENV=production makes the simulator listen on 0.0.0.0; keep it on loopback.
  const simulator = start('failover simulator', process.execPath, ['dist/apps/simulator/main.js'], { env: { ...baseEnv, NODE_ENV: 'development' } });
  const tmp = mkdtempSync(join(tmpdir(), 'voxq-bench-failover-'));
  // "50 ± 20 ms": the simulator adds a uniform [0, jitterMs) to latencyMs.
  const latency = { latencyMs: Math.max(0, opts.latencyMs - opts.jitterMs), jitterMs: 2 * opts.jitterMs };
  try {
    await unlessExited(
      simulator,
      until('the simulator', () => httpOk(`${simulatorUrl}/_simulator/health`), 15_000),
    );
    for (const provider of PROVIDERS) await simulatorAdmin(simulatorUrl, 'PUT', 'latency', provider, latency);

    const runs = [];
    let primary;
    const wanted = opts.failoverVariants;
    for (const variant of VARIANTS.filter((v) => v.id === 'nofault' || !wanted || wanted.includes(v.id))) {
      if (variant.chaos && !primary) throw new Error('no primary provider: the no-fault run must come first');
      const secondary = PROVIDERS.find((p) => p !== primary);
      const runEnv = { ...baseEnv, ...variant.env };
      if (variant.pin) {
        // Primary at the top of every count, secondary at the bottom: at 30% errors the
        // primary's health factor (0.7² = 0.49) still leaves it first (≈0.49 against ≈0.31).
        const file = join(tmp, 'pinned.json');
        const config = { providers: { [primary]: { catalog: { quality: 1 } }, [secondary]: { catalog: { quality: 0, costPerUnit: 1000 } } } };
        writeFileSync(file, JSON.stringify(config));
        runEnv.VOXQ_CONFIG_FILE = file;
      }
      step(`failover, ${variant.label}: ${opts.failoverJobs} complete jobs at ${opts.failoverRate || 'max'} jobs/s (after ${opts.failoverWarmup} warm-up)`);
      const run = await runVariant({ variant, runEnv, redis, prefix: `${prefix}:fo-${variant.id}`, simulator, simulatorUrl, primary, opts });
      primary ??= run.primary;
      if (!PROVIDERS.includes(primary)) throw new Error(`the warm-up was served by '${primary}', not one of ${PROVIDERS.join(', ')}`);
      runs.push({ id: variant.id, label: variant.label, ...(variant.env ? { env: variant.env } : {}), ...run });
    }
    const reference = runs[0];
    for (const run of runs.slice(1)) {
      run.vsNoFault = {
        p50: round(run.latencyMs.p50 / reference.latencyMs.p50, 2),
        p99: round(run.latencyMs.p99 / reference.latencyMs.p99, 2),
        jobsPerSecond: round(run.jobsPerSecond / reference.jobsPerSecond, 2),
      };
    }
    return {
      jobs: opts.failoverJobs,
      warmup: opts.failoverWarmup,
      rate: opts.failoverRate,
      batch: opts.failoverBatch,
      faultRate: opts.faultRate,
      providers: PROVIDERS,
      primary,
      simulatorLatency: latency,
      runs,
    };
  } finally {
    await stop(simulator);
    rmSync(tmp, { recursive: true, force: true });
  }
}
