// The worker of the hand-rolled pipeline (see hand-rolled-intake.mjs): one BullMQ Worker that
// POSTs each job's messages to the upstream's /chat/completions with undici and keeps the
// reply as the job's return value. Its own process, as voxq's worker is.
//
// Talks to the bench over IPC: sends `ready` once the Worker is connected, and answers each
// `count` with how many jobs it completed and failed so far (the bench's progress poll; it
// costs Redis nothing, so it does not weigh on the measured pipeline).
//
// Env: REDIS_URL, BENCH_PREFIX, BENCH_CONCURRENCY, UPSTREAM_URL (an OpenAI-style base URL,
// ending /v1), UPSTREAM_API_KEY.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { request } from 'undici';

const endpoint = `${process.env.UPSTREAM_URL.replace(/\/+$/, '')}/chat/completions`;
const headers = { authorization: `Bearer ${process.env.UPSTREAM_API_KEY}`, 'content-type': 'application/json' };

const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
const worker = new Worker(
  'complete',
  async (job) => {
    const res = await request(endpoint, { method: 'POST', headers, body: JSON.stringify(job.data) });
    const reply = await res.body.json();
    // Thrown, so BullMQ retries it: an upstream error must not count as a completion.
    if (res.statusCode !== 200) throw new Error(`upstream answered ${res.statusCode}: ${JSON.stringify(reply).slice(0, 200)}`);
    return reply;
  },
  { connection, prefix: process.env.BENCH_PREFIX, concurrency: Number(process.env.BENCH_CONCURRENCY) },
);

let completed = 0;
let failed = 0;
worker.on('completed', () => completed++);
worker.on('failed', () => failed++);
worker.on('error', (error) => console.error(`[hand-rolled worker] ${error.message}`));
process.on('message', (message) => {
  if (message?.kind === 'count') process.send({ kind: 'count', completed, failed });
});
process.once('SIGTERM', () => {
  void worker.close().finally(() => process.exit(0));
});

await worker.waitUntilReady();
process.send({ kind: 'ready' });
