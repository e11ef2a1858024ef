// The intake of the hand-rolled pipeline `npm run bench` compares voxq with (issue 16): what
// a team writes instead of adopting voxq, an express app whose `POST /jobs` adds the request to
// a BullMQ queue and answers 202 with the job's id. Its own process, as voxq's api is.
//
// Env: REDIS_URL, BENCH_PREFIX (BullMQ key prefix), PORT (on 127.0.0.1).
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

// The worker (hand-rolled-worker.mjs) consumes the same queue name.
const queue = new Queue('complete', {
  connection: new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }),
  prefix: process.env.BENCH_PREFIX,
  // The retention and retries voxq's own queues use (libs/queues/src/job-options.ts), so
  // neither side is spared work the other does: the result stays as the job's return value.
  defaultJobOptions: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
  },
});

const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/healthz', (_req, res) => void res.send('ok'));
app.post('/jobs', async (req, res) => {
  // The least validation such an intake has: a body that cannot be called upstream is refused.
  const { model = 'gpt-4o-mini', messages } = req.body ?? {};
  if (!Array.isArray(messages) || messages.length === 0) return void res.status(400).json({ error: '`messages` must be a non-empty array' });
  const job = await queue.add('complete', { model, messages });
  res.status(202).json({ id: job.id, status: 'queued' });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void queue.close().finally(() => process.exit(0));
});
