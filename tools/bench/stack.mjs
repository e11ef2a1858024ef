// A voxq deployment for one benchmark phase: the simulator, the api and N worker processes
// (each its own process, as in production) on the run's Redis and S3. `close()` stops them all.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { freePort } from '../lib/net.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { httpOk, until } from './wait.mjs';
import { nodeArgsOf } from '../lib/app-node-args.mjs';

/** Peak and current resident memory of a process, MiB (Linux /proc). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return { peakMiB: null, rssMiB: null };
  }
}

/**
 * Starts the stack. `workers` is how many worker processes;
 * `extraEnv` is merged over the bench defaults (zero-latency simulator, no limits, complete
 * jobs); `nodeArgs` go before each app's script (`--cpu-prof`: Node 20 refuses it in NODE_OPTIONS),
 * `workerNodeArgs` before the workers' only.
 */
export async function startBenchStack({ env, workers = 1, latencyMs = 0, extraEnv = {}, nodeArgs = [], workerNodeArgs = [] }) {
  const simulatorPort = await freePort();
  const apiPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const appEnv = {
    ...env,
    OPENAI_API_KEY: 'sk-sim-bench',
    OPENAI_BASE_URL: `${simulatorUrl}/v1`,
    SIMULATOR_PORT: String(simulatorPort),
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    WORKER_QUEUES: 'complete',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // Production refuses to start without a tenant secrets key; the run's apps share this one.
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The bench measures throughput and latency, not the per-key and per-tenant limits.
    API_RATE_LIMIT_PER_SECOND: '0',
    TENANT_MONTHLY_JOB_ALLOWANCE: '0',
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
    ...extraEnv,
  };
  const app = (appName, e = appEnv, label = appName, extraArgs = []) =>
    start(label, process.execPath, [...nodeArgs, ...nodeArgsOf(appName), ...extraArgs, `dist/apps/${appName}/main.js`], { env: e });
  // NODE_ENV=production makes the simulator listen on 0.0.0.0; keep it on loopback.
  const simulator = app('simulator', { ...appEnv, NODE_ENV: 'development' });
  const processes = [simulator];
  const close = async () => {
    await Promise.all(processes.map((child) => stop(child)));
  };
  try {
    await unlessExited(
      simulator,
      until('the simulator', () => httpOk(`${simulatorUrl}/_simulator/health`), 15_000),
    );
    const setLatency = (ms, jitterMs = 0) =>
      fetch(`${simulatorUrl}/_simulator/latency`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: ms, jitterMs }),
      });
    await setLatency(latencyMs);
    const api = app('api');
    const workerProcs = Array.from({ length: workers }, (_, i) => app('worker', appEnv, workers > 1 ? `worker ${i + 1}` : 'worker', workerNodeArgs));
    processes.push(api, ...workerProcs);
    const guard = (promise) => processes.reduce((p, child) => unlessExited(child, p), promise);
    const url = `http://127.0.0.1:${apiPort}`;
    await guard(until('the api', () => httpOk(`${url}/healthz`), 15_000));
    return {
      url,
      env: appEnv,
      api,
      workers: workerProcs,
      simulator,
      processes,
      guard,
      setLatency,
      keyFor(tenant) {
        const out = spawnSync(process.execPath, ['dist/apps/cli/main.js', 'keys', 'create', '--tenant', tenant, '--json'], { env: appEnv, encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`keys create failed: ${out.stderr || out.stdout}`);
        return JSON.parse(out.stdout).apiKey;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
