// `npm run bench`'s options, read once from the environment (tools/bench.mjs's header lists
// them with their defaults). A value that is not a number, or out of range, stops the run
// before anything starts rather than measuring something else than was asked.

const int = (name, def) => {
  const value = Number(process.env[name] || def);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got ${process.env[name]}).`);
  return value;
};
const fraction = (name, def) => {
  const value = Number(process.env[name] || def);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be between 0 and 1 (got ${process.env[name]}).`);
  return value;
};
export const opts = {
  jobs: Math.max(1, int('BENCH_JOBS', 20_000)),
  warmup: int('BENCH_WARMUP', 1_000),
  concurrency: Math.max(1, int('BENCH_CONCURRENCY', 128)),
  clients: Math.max(1, int('BENCH_CLIENTS', 64)),
  timeoutMs: Math.max(1, int('BENCH_TIMEOUT_S', 60)) * 1000,
  webhook: process.env.BENCH_WEBHOOK === '1' || process.env.BENCH_WEBHOOK === 'true',
  profile: process.env.BENCH_PROFILE === '1' || process.env.BENCH_PROFILE === 'true',
  batch: Math.min(1000, Math.max(1, int('BENCH_BATCH', 100))),
  bulkClients: Math.max(1, int('BENCH_BULK_CLIENTS', 4)),
  failover: process.env.BENCH_FAILOVER !== '0' && process.env.BENCH_FAILOVER !== 'false',
  failoverJobs: Math.max(1, int('BENCH_FAILOVER_JOBS', 2_000)),
  failoverRate: int('BENCH_FAILOVER_RATE', 500),
  failoverBatch: Math.min(1000, Math.max(1, int('BENCH_FAILOVER_BATCH', 10))),
  failoverWarmup: Math.max(1, int('BENCH_FAILOVER_WARMUP', 50)),
  failoverVariants: process.env.BENCH_FAILOVER_VARIANTS ? process.env.BENCH_FAILOVER_VARIANTS.split(',').map((v) => v.trim()) : null,
  faultRate: fraction('BENCH_FAILOVER_FAULT_RATE', 0.3),
  latencyMs: int('BENCH_FAILOVER_LATENCY_MS', 50),
  jitterMs: int('BENCH_FAILOVER_JITTER_MS', 20),
  webhooks: process.env.BENCH_WEBHOOKS !== '0' && process.env.BENCH_WEBHOOKS !== 'false',
  webhookEvents: Math.max(1, int('BENCH_WEBHOOK_EVENTS', 5_000)),
  webhookConcurrency: Math.max(1, int('BENCH_WEBHOOK_CONCURRENCY', 64)),
  batches: process.env.BENCH_BATCHES !== '0' && process.env.BENCH_BATCHES !== 'false',
  batchLines: Math.max(1, int('BENCH_BATCH_LINES', 50_000)),
  batchProbes: Math.max(1, int('BENCH_BATCH_PROBES', 50)),
  batchTimeoutMs: Math.max(1, int('BENCH_BATCH_TIMEOUT_S', 300)) * 1000,
  intake: process.env.BENCH_INTAKE !== '0' && process.env.BENCH_INTAKE !== 'false',
  intakeRates: (process.env.BENCH_INTAKE_RATES || '500,1000,2000').split(',').map((r) => Math.max(1, Number(r))),
  intakeSeconds: Math.max(1, int('BENCH_INTAKE_SECONDS', 10)),
  intakeConnections: Math.max(1, int('BENCH_INTAKE_CONNECTIONS', 16)),
  capacity: process.env.BENCH_CAPACITY !== '0' && process.env.BENCH_CAPACITY !== 'false',
  capacityJobs: Math.max(1000, int('BENCH_CAPACITY_JOBS', 16_000)),
  capacityConcurrency: Math.max(1, int('BENCH_CAPACITY_CONCURRENCY', 2_000)),
  capacityHeapMb: int('BENCH_CAPACITY_HEAP_MB', 192),
  // Extra node arguments for the capacity phase's worker only (space-separated), to try V8 flags on it.
  capacityWorkerArgs: (process.env.BENCH_CAPACITY_WORKER_ARGS ?? '').split(' ').filter(Boolean),
  scaling: process.env.BENCH_SCALING !== '0' && process.env.BENCH_SCALING !== 'false',
  scalingJobs: Math.max(1000, int('BENCH_SCALING_JOBS', 20_000)),
  realtime: process.env.BENCH_REALTIME !== '0' && process.env.BENCH_REALTIME !== 'false',
  realtimeSamples: Math.max(1, int('BENCH_REALTIME_SAMPLES', 200)),
  realtimeSessions: Math.max(1, int('BENCH_REALTIME_SESSIONS', 500)),
  streaming: process.env.BENCH_STREAMING !== '0' && process.env.BENCH_STREAMING !== 'false',
  streamSamples: Math.max(1, int('BENCH_STREAM_SAMPLES', 40)),
  streamTokens: Math.max(4, int('BENCH_STREAM_TOKENS', 20)),
  streamTokenMs: int('BENCH_STREAM_TOKEN_MS', 100),
  streamConcurrent: Math.max(1, int('BENCH_STREAM_CONCURRENT', 500)),
  streamManyTokenMs: int('BENCH_STREAM_MANY_TOKEN_MS', 50),
  peers: process.env.BENCH_PEERS !== '0' && process.env.BENCH_PEERS !== 'false',
  peersJobs: int('BENCH_PEERS_JOBS', 10_000),
  peersWarmup: int('BENCH_PEERS_WARMUP', 1_000),
  peersClients: Math.max(1, int('BENCH_PEERS_CLIENTS', 64)),
  peersConcurrency: Math.max(1, int('BENCH_PEERS_CONCURRENCY', 64)),
  peersLatencyMs: int('BENCH_PEERS_LATENCY_MS', 0),
  peersConnections: Math.max(1, int('BENCH_PEERS_CONNECTIONS', 16)),
  peersSeconds: Math.max(1, int('BENCH_PEERS_SECONDS', 10)),
  peersWarmupSeconds: int('BENCH_PEERS_WARMUP_S', 3),
  history: process.env.BENCH_HISTORY !== '0' && process.env.BENCH_HISTORY !== 'false',
  historyJobs: Math.max(100, int('BENCH_HISTORY_JOBS', 5_000)),
  historyHotSeconds: Math.max(1, int('BENCH_HISTORY_HOT_S', 20)),
  historyMove: Math.max(100, int('BENCH_HISTORY_MOVE', 20_000)),
  historySoakSeconds: int('BENCH_HISTORY_SOAK_S', 600),
  historySoakRate: Math.max(10, int('BENCH_HISTORY_SOAK_RATE', 200)),
  cluster: process.env.BENCH_CLUSTER !== '0' && process.env.BENCH_CLUSTER !== 'false',
  clusterJobs: Math.max(100, int('BENCH_CLUSTER_JOBS', 5_000)),
};
