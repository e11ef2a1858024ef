// The benchmark's baseline: raw BullMQ on the same Redis, a Queue adding no-op jobs in
// bulk and a Worker completing them, in a process of its own so it shares no event loop
// with the measuring process. Talks to its parent over IPC: sends `ready` after the warm-up,
// waits for `go` (so the parent can snapshot Redis and CPU counters), then sends the result.
//
// Env: REDIS_URL, BENCH_PREFIX (BullMQ key prefix), BENCH_JOBS, BENCH_WARMUP,
// BENCH_CONCURRENCY, BENCH_CHUNK, BENCH_SLEEP_MS (0: each job's processor waits this long,
// standing in for a provider's latency).
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const url = process.env.REDIS_URL;
const prefix = process.env.BENCH_PREFIX;
const jobs = Number(process.env.BENCH_JOBS);
const warmup = Number(process.env.BENCH_WARMUP);
const concurrency = Number(process.env.BENCH_CONCURRENCY);
const chunk = Number(process.env.BENCH_CHUNK || 1000);
const sleepMs = Number(process.env.BENCH_SLEEP_MS || 0);

const connect = () => new Redis(url, { maxRetriesPerRequest: null });
const producer = connect();
const queue = new Queue('noop', {
  connection: producer,
  prefix,
  // As voxq's job queues (libs/queues/src/job-options.ts): retries, trimmed retention.
  defaultJobOptions: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
  },
});

// A payload of the size voxq queues for a `complete` job, so both move similar bytes.
const data = {
  tenantId: 'bench',
  createdAt: new Date().toISOString(),
  payload: { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] }, intent: {}, constraints: {}, metadata: {} },
};

let completed = 0;
let target = 0;
let onTarget = () => {};
const consumer = connect();
const worker = new Worker(
  'noop',
  async () => {
    if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
    return { status: 'completed' };
  },
  {
    connection: consumer,
    prefix,
    concurrency,
  },
);
worker.on('completed', () => {
  completed += 1;
  if (completed === target) onTarget();
});
worker.on('error', (error) => console.error(`[baseline] worker error: ${error.message}`));
await worker.waitUntilReady();

async function round(count) {
  const done = new Promise((resolve) => {
    onTarget = resolve;
  });
  target = completed + count;
  const started = performance.now();
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    await queue.addBulk(Array.from({ length: n }, () => ({ name: 'noop', data })));
  }
  const addedMs = performance.now() - started;
  await done;
  return { ms: performance.now() - started, addedMs };
}

if (warmup > 0) await round(warmup);
await new Promise((resolve) => {
  process.once('message', resolve);
  process.send({ kind: 'ready' });
});
const { ms, addedMs } = await round(jobs);
await worker.close();
await queue.close();
// Connections passed in stay open after close(); end them so the process can exit.
consumer.disconnect();
producer.disconnect();
process.send({ kind: 'result', jobs, concurrency, chunk, ms, addRate: (jobs / addedMs) * 1000, rate: (jobs / ms) * 1000 }, () => process.disconnect());
