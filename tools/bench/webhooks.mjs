// The benchmark's webhook phase: deliveries per second from the dispatcher app to a local
// receiver. A tenant has one endpoint (a keep-alive HTTP server in this process answering
// 204); BENCH_WEBHOOK_EVENTS (5000) job events are fanned out to it with voxq's own
// `enqueueJobEvent` (delivery records and all), while the dispatcher app (its own process,
// DISPATCHER_CONCURRENCY = BENCH_WEBHOOK_CONCURRENCY, 64) signs and POSTs each one. Measured
// from the first enqueue until the receiver has them all; a warm-up of 200 goes first.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { importLibs } from '../lib/import-libs.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { sleep, until } from './wait.mjs';

/** voxq's webhook and queue libs, bundled from source for this process (as the apps are). */
const loadLibs = () =>
  importLibs(
    'webhook-libs',
    "export { enqueueJobEvent, webhookQueueContext, WebhookEndpointStore } from '@voxq/webhooks'; export { Queues, createCommandConnection } from '@voxq/queues'; export { loadConfig } from '@voxq/config';",
  );

function jobView(i) {
  const now = new Date().toISOString();
  return {
    id: `job_${Date.now().toString(16).padStart(12, '0')}${i.toString(16).padStart(16, '0')}`,
    object: 'job',
    type: 'complete',
    status: 'completed',
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: {},
    webhook: null,
    attempts: 1,
    createdAt: now,
    startedAt: now,
    finishedAt: now,
    result: null,
    error: null,
  };
}

export async function runWebhooks({ env, prefix, opts, step }) {
  const events = opts.webhookEvents;
  const concurrency = opts.webhookConcurrency;
  step(`webhook deliveries: ${events} job events to one endpoint on a local receiver, dispatcher concurrency ${concurrency} (after 200 warm-up)`);
  const libs = await loadLibs();
  const appEnv = {
    ...env,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The dispatcher refuses to start in production without a tenant secrets key.
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DISPATCHER_CONCURRENCY: String(concurrency),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_ALLOW_HTTP: 'true',
  };
  const config = libs.loadConfig(appEnv);

  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume().on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  receiver.keepAliveTimeout = 65_000;
  const port = await new Promise((r) => receiver.listen(0, '127.0.0.1', () => r(receiver.address().port)));

  const redis = libs.createCommandConnection(config.redis);
  const queues = new libs.Queues(redis, config);
  const tenant = 'bench-hooks';
  const endpoints = new libs.WebhookEndpointStore(redis, prefix);
  await endpoints.create(tenant, { url: `http://127.0.0.1:${port}/hook`, events: ['job.completed'], description: 'bench', enabled: true });
  // What a worker's root builds once: the queue with its endpoint and delivery stores.
  const webhooks = libs.webhookQueueContext(queues.webhooks, redis, prefix, config.jobs.retentionSeconds, endpoints);

  const dispatcher = start('dispatcher', process.execPath, ['dist/apps/dispatcher/main.js'], { env: appEnv });
  let next = 0;
  const enqueue = async (count) => {
    const started = performance.now();
    let i = 0;
    // 64 enqueues in flight, as a busy worker pool would have.
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (i < count) {
          i += 1;
          await libs.enqueueJobEvent(webhooks, tenant, jobView(next++));
        }
      }),
    );
    return performance.now() - started;
  };

  try {
    await unlessExited(dispatcher, enqueue(200));
    await unlessExited(
      dispatcher,
      until('the warm-up deliveries', async () => received >= 200, 30_000, 20),
    );
    const base = received;
    const t0 = performance.now();
    const enqueueMs = await unlessExited(dispatcher, enqueue(events));
    const deadline = Date.now() + opts.timeoutMs;
    while (received - base < events && Date.now() < deadline) await unlessExited(dispatcher, sleep(20));
    const ms = performance.now() - t0;
    const delivered = received - base;
    return {
      events,
      delivered,
      timedOut: delivered < events,
      ms,
      deliveriesPerSecond: (delivered / ms) * 1000,
      enqueuePerSecond: (events / enqueueMs) * 1000,
      concurrency,
    };
  } finally {
    await stop(dispatcher);
    await queues.close();
    redis.disconnect();
    receiver.closeAllConnections();
    receiver.close();
  }
}

export function printWebhooks(w, baseline) {
  const n = (x, d = 0) => (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US');
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  console.log(`\nwebhook deliveries: ${w.events} events to a local receiver, dispatcher concurrency ${w.concurrency}`);
  row(
    'deliveries/s (enqueue → received)',
    `${n(w.deliveriesPerSecond)}  ratio ${n(w.deliveriesPerSecond / baseline.jobsPerSecond, 3)} of raw BullMQ${w.timedOut ? `  (timed out: ${w.delivered} of ${w.events})` : ''}`,
  );
  row('fan-out enqueue rate', `${n(w.enqueuePerSecond)} events/s (enqueueJobEvent, 64 in flight)`);
}
