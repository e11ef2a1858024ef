// The benchmark's peers phase (issue 16, point 4): voxq against what a user would pick
// instead, in the same run, on the same Redis, with one neutral OpenAI-style upstream for all
// (the provider simulator at BENCH_PEERS_LATENCY_MS, fixed, default 0):
//   handRolled  express → BullMQ → undici worker, jobs/s against voxq's (peers-jobs.mjs)
//   portkey     Portkey's gateway against voxq's /v1/chat/completions (peers-portkey.mjs)
// One voxq stack (api + one worker at BENCH_PEERS_CONCURRENCY) serves both comparisons; its
// simulator is the upstream the peers call too.
import { runJobPeers } from './peers-jobs.mjs';
import { runPortkeyPeers } from './peers-portkey.mjs';
import { startBenchStack } from './stack.mjs';

/** The issue's goals for voxq against its peers. */
export const PEER_GOALS = { handRolledRatio: 1.0, portkeyC16Ratio: 1.5, portkeyC1P50Ratio: 1.0 };

export async function runPeers({ env, redis, prefix, opts, step }) {
  const stack = await startBenchStack({
    env,
    latencyMs: opts.peersLatencyMs,
    extraEnv: { WORKER_CONCURRENCY: String(opts.peersConcurrency) },
  });
  try {
    const tenant = 'bench-peers';
    const apiKey = stack.keyFor(tenant);
    const upstream = { url: stack.env.OPENAI_BASE_URL, apiKey: stack.env.OPENAI_API_KEY };
    const handRolled = opts.peersJobs > 0 ? await runJobPeers({ env, redis, prefix, opts, stack, apiKey, tenant, upstream, step }) : undefined;
    const portkey = await runPortkeyPeers({ opts, stack, apiKey, upstream, step });
    return {
      upstream: { kind: 'provider simulator (OpenAI-style)', latencyMs: opts.peersLatencyMs },
      ...(handRolled ? { handRolled } : {}),
      portkey,
      goals: PEER_GOALS,
    };
  } finally {
    await stack.close();
  }
}

export function printPeers(peers) {
  const n = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  const verdict = (met) => (met ? 'MET' : 'NOT MET');
  console.log(`\npeers (same run, same Redis, one upstream: the ${peers.upstream.kind} at ${peers.upstream.latencyMs} ms)`);
  const h = peers.handRolled;
  if (h) {
    const jobs = (x) =>
      `${n(x.jobsPerSecond)} jobs/s, submit p50 ${n(x.submit.p50Ms, 1)} ms / p99 ${n(x.submit.p99Ms, 1)} ms, ${n(x.redisCommandsPerJob, 1)} Redis commands/job${
        x.timedOut ? `  (timed out: ${x.completed} of ${x.submit.accepted} completed)` : ''
      }${Object.keys(x.submit.failures).length ? `  failures ${JSON.stringify(x.submit.failures)}` : ''}`;
    console.log(`  ${h.jobs} jobs, ${h.clients} HTTP clients, one worker at concurrency ${h.concurrency} (hand-rolled: express → BullMQ → undici)`);
    row('hand-rolled pipeline', jobs(h.handRolled));
    row('voxq, POST /v1/jobs (one per job)', jobs(h.voxq));
    row('peers.handRolled.ratio', `${n(h.ratio, 3)}  goal ≥ ${peers.goals.handRolledRatio}: ${verdict(h.ratio >= peers.goals.handRolledRatio)}`);
  }
  const { c16, c1 } = peers.portkey;
  const sync = (x) =>
    `${n(x.requestsPerSecond)} req/s, p50 ${n(x.p50Ms, 2)} ms, p99 ${n(x.p99Ms, 2)} ms${x.non2xx || x.errors ? `, non-2xx ${x.non2xx}, errors ${x.errors}` : ''}`;
  console.log(`  /v1/chat/completions, ${c16.connections} connections`);
  row('Portkey gateway', sync(c16.portkey));
  row('voxq (sync job)', sync(c16.voxq));
  row('peers.portkey.c16.ratio', `${n(c16.ratio, 3)}  goal ≥ ${peers.goals.portkeyC16Ratio}: ${verdict(c16.ratio >= peers.goals.portkeyC16Ratio)}`);
  console.log('  /v1/chat/completions, 1 connection');
  row('Portkey gateway', sync(c1.portkey));
  row('voxq (sync job)', sync(c1.voxq));
  row('peers.portkey.c1.p50Ratio', `${n(c1.p50Ratio, 3)}  goal ≤ ${peers.goals.portkeyC1P50Ratio}: ${verdict(c1.p50Ratio <= peers.goals.portkeyC1P50Ratio)}`);
}
