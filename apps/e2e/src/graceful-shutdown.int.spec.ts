import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { startWorkerProcess } from '@voxq/jobs';
import { createLogger } from '@voxq/logging';
import { createRedisConnection, QUEUE_NAMES } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { startSimulator, type Simulator } from '@voxq/simulator';
import {
  appProcessEnv,
  bundleApps,
  cleanupPrefix,
  eventually,
  freePort,
  startStack,
  testConfig,
  type AppBundles,
  type TestStack,
  eachLine,
} from '@voxq/testing';

/**
 * The real processes: the api and worker apps bundled as `npm run build` does, run as child
 * processes against the test Redis and S3, and stopped with signals.
 */
let bundles: AppBundles;
const appPath = (app: 'api' | 'worker') => bundles.path(app);

beforeAll(async () => {
  bundles = await bundleApps(['api', 'worker'], 'shutdown');
});
afterAll(() => bundles.remove());

interface AppProcess {
  child: ChildProcess;
  /** Every log line's `msg` and stderr line, in order. */
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves once a log line has this `msg`. */
  logged(msg: string, timeoutMs?: number): Promise<void>;
}

/** The simulator the child apps call (set once it listens). */
let simulatorBaseUrl = '';

/** The environment that makes the child process use this test's Redis prefix, S3 and simulator. */
const childEnv = (config: Config, extra: Record<string, string>) => appProcessEnv(config, { OPENAI_BASE_URL: simulatorBaseUrl, ...extra });

function startApp(app: 'api' | 'worker', env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, [appPath(app)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ msg: string; resolve: () => void }> = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    let msg = line;
    try {
      msg = (JSON.parse(line) as { msg: string }).msg;
    } catch {
      // stderr lines are plain text
    }
    lines.push(msg);
    for (const w of waiters.filter((w) => w.msg === msg)) w.resolve();
  };
  for (const stream of [child.stdout!, child.stderr!]) eachLine(stream, onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    // Start-up checks may wait up to 30 s for a busy S3 (bucket-check.ts): a harness limit, not a timing assertion.
    logged: (msg, timeoutMs = 45_000) =>
      lines.includes(msg)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no '${msg}' in ${timeoutMs} ms; the app said: ${lines.join(' | ')}`)), timeoutMs);
            waiters.push({ msg, resolve: () => (clearTimeout(timer), resolve()) });
            void exited.then((code) => reject(new Error(`exited ${code} before '${msg}'; the app said: ${lines.join(' | ')}`)));
          }),
  };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

const completeJob = { type: 'complete', input: { messages: [{ role: 'user', content: 'Hello' }] } };

describe('graceful shutdown', () => {
  let simulator: Simulator;
  let config: Config;
  let stack: TestStack | undefined;
  /** The `complete` queue, one per shard. */
  let queues: Queue[] | undefined;
  let queueConnection: RedisClient | undefined;
  const children: AppProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    simulatorBaseUrl = simulator.baseUrl;
  });
  afterEach(async () => {
    for (const app of children.splice(0)) app.child.kill('SIGKILL');
    await Promise.all((queues ?? []).map((q) => q.close()));
    queueConnection?.disconnect();
    // Closed once: a second close of a queue on a closed Cluster connection waits for ever.
    queues = queueConnection = undefined;
    await stack?.close();
    stack = undefined;
    await cleanupPrefix(config);
    simulator.reset();
  });
  afterAll(() => simulator?.close());

  const setUp = async (options: { worker: boolean }) => {
    config = testConfig({
      OPENAI_API_KEY: 'sk-sim-test',
      OPENAI_BASE_URL: simulator.baseUrl,
      WORKER_QUEUES: 'complete',
      ESPEAK_ENABLED: 'false',
      POCKETSPHINX_ENABLED: 'false',
      // One shard, on a cluster too: a worker splits WORKER_CONCURRENCY over the shards (8 on a
      // cluster: 1 each), so how many of these jobs run at once would depend on their ids' shards.
      REDIS_SHARDS: '1',
    });
    stack = await startStack(config, { worker: options.worker, dispatcher: false });
    const connection = createRedisConnection(config.redis);
    queueConnection = connection;
    const shards = KeyShards.for(config.redis);
    queues = shards.all().map((k) => new Queue(QUEUE_NAMES.complete, { connection, prefix: shards.keysOf(k).bull.prefix() }));
    const { apiKey } = await stack.createKey(`t-${randomUUID()}`);
    return apiKey;
  };
  const submit = async (apiKey: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await stack!.request(apiKey, 'POST', '/v1/jobs', completeJob);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.id as string);
    }
    return ids;
  };
  const statuses = async (apiKey: string, ids: string[]) =>
    Promise.all(ids.map(async (id) => (await stack!.request(apiKey, 'GET', `/v1/jobs/${id}`)).body.status as string));
  const count = (list: string[], status: string) => list.filter((s) => s === status).length;
  /** BullMQ's own view of the queue: what is claimed by a worker, and what waits for one. */
  const bullCounts = async () => {
    const perShard = await Promise.all(queues!.map((q) => q.getJobCounts('active', 'wait', 'prioritized', 'delayed', 'failed')));
    const c: Record<string, number> = {};
    for (const counts of perShard) for (const [state, n] of Object.entries(counts)) c[state] = (c[state] ?? 0) + n;
    return { active: c.active ?? 0, waiting: (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), failed: c.failed ?? 0 };
  };

  it('worker: SIGTERM lets in-flight jobs finish, leaves the rest queued, exits 0', async () => {
    const apiKey = await setUp({ worker: false });
    simulator.setLatency({ latencyMs: 1_500 });
    const worker = startApp('worker', childEnv(config, { WORKER_CONCURRENCY: '3' }));
    children.push(worker);
    await worker.logged('worker started');
    const ids = await submit(apiKey, 5);
    await eventually(() => (simulator.stats().inFlight === 3 ? true : undefined), 10_000, '3 provider calls in flight');

    worker.child.kill('SIGTERM');
    expect(await within(worker.exited, 10_000, 'worker exit')).toBe(0);
    expect(worker.lines).toContain('stopped');

    const after = await statuses(apiKey, ids);
    expect(count(after, 'completed'), after.join()).toBe(3);
    expect(count(after, 'queued'), after.join()).toBe(2);
    expect(await bullCounts()).toEqual({ active: 0, waiting: 2, failed: 0 });

    // Another worker takes what was still waiting.
    const second = await startWorkerProcess(config, createLogger({ name: 'test', level: 'silent' }), { batches: false });
    try {
      for (const id of ids) expect((await stack!.waitForJob(apiKey, id, 15_000)).status).toBe('completed');
    } finally {
      await second.close();
    }
  });

  it('worker: past SHUTDOWN_GRACE_MS running jobs go back to the queue, not stuck active', async () => {
    const apiKey = await setUp({ worker: false });
    simulator.setLatency({ latencyMs: 8_000 });
    const worker = startApp('worker', childEnv(config, { WORKER_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '500' }));
    children.push(worker);
    await worker.logged('worker started');
    const ids = await submit(apiKey, 2);
    await eventually(() => (simulator.stats().inFlight === 2 ? true : undefined), 10_000, '2 provider calls in flight');

    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await within(worker.exited, 6_000, 'worker exit')).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4_000);
    expect(worker.lines).toContain('shutdown grace period over: handing running jobs back to the queue');

    expect(await statuses(apiKey, ids)).toEqual(['queued', 'queued']);
    expect(await bullCounts()).toEqual({ active: 0, waiting: 2, failed: 0 });

    simulator.setLatency({ latencyMs: 0 });
    const second = await startWorkerProcess(config, createLogger({ name: 'test', level: 'silent' }), { batches: false });
    try {
      for (const id of ids) expect((await stack!.waitForJob(apiKey, id, 15_000)).status).toBe('completed');
    } finally {
      await second.close();
    }
  });

  it('api: SIGTERM refuses new connections, answers the request in flight, exits 0', async () => {
    const apiKey = await setUp({ worker: true });
    simulator.setLatency({ latencyMs: 1_500 });
    const port = await freePort();
    const api = startApp('api', childEnv(config, { API_PORT: String(port) }));
    children.push(api);
    await api.logged('api listening');
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // A one-shot completion: the API holds the request open until the worker's job is done.
    const slow = fetch(`${base}/v1/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }),
    });
    await eventually(() => (simulator.stats().inFlight === 1 ? true : undefined), 10_000, 'the job to reach the provider');

    api.child.kill('SIGTERM');
    await api.logged('shutting down: no new work, waiting for in-flight work');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('connection')).toBe('close');
    expect(((await answer.json()) as { text?: string }).text).toBeTruthy();
    expect(await within(api.exited, 10_000, 'api exit')).toBe(0);
  });

  it('refuses to start, in one line, when Redis does not answer or the bucket is missing', async () => {
    config = testConfig();
    const port = await freePort();
    const noRedis = startApp('worker', childEnv(config, { REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`, REDIS_CLUSTER_NODES: '' }));
    children.push(noRedis);
    expect(await within(noRedis.exited, 10_000, 'worker exit')).toBe(1);
    expect(noRedis.lines).toHaveLength(1);
    expect(noRedis.lines[0]).toMatch(new RegExp(`^\\[worker\\] cannot start: Redis is not reachable at REDIS_URL=redis://\\*\\*\\*@127.0.0.1:${port} `));

    const noBucket = startApp('api', childEnv(config, { S3_BUCKET: 'voxq-missing-bucket' }));
    children.push(noBucket);
    expect(await within(noBucket.exited, 10_000, 'api exit')).toBe(1);
    expect(noBucket.lines).toEqual([expect.stringMatching(/^\[api\] cannot start: Bucket S3_BUCKET=voxq-missing-bucket at S3_ENDPOINT=\S+ does not exist/)]);
    expect(noBucket.lines.join()).not.toContain(config.s3.credentials?.secretAccessKey ?? '\0');
  });
});
