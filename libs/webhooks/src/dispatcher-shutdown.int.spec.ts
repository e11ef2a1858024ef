import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { openProcessResources } from '@voxq/runtime';
import { cleanupPrefix, eventually, testConfig, testQueues } from '@voxq/testing';
import { startDispatcher } from './dispatcher';
import { buildJobEvent, enqueueWebhook } from './events';
import { jobViewFixture } from './job-view.fixture';
import { generateWebhookSecret } from './signing';

const TENANT = 'tenant_a';
const closers: Array<() => Promise<unknown>> = [];
let config: Config;

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await cleanupPrefix(config);
});

/** A receiver that answers 200 after `delayMs`; counts requests started and answered. */
async function slowReceiver(delayMs: number) {
  const seen = { started: 0, answered: 0 };
  const server: Server = createServer((req, res) => {
    seen.started++;
    req.resume();
    setTimeout(() => {
      res.end('ok');
      seen.answered++;
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

async function setup() {
  config = testConfig();
  const secret = generateWebhookSecret();
  const logger = createLogger({ name: 'dispatcher', level: 'silent' });
  const resources = openProcessResources(config, logger, 'dispatcher');
  closers.push(() => resources.close());
  const dispatcher = await startDispatcher({ resources, config, logger, secretFor: async () => secret });
  const redis = createRedisConnection(config.redis);
  const queues = await testQueues(redis, config);
  closers.push(async () => (await queues.close(), redis.quit()));
  const send = (url: string) => enqueueWebhook(queues.webhooks, { tenantId: TENANT, url, event: buildJobEvent('job.completed', jobViewFixture()) });
  return { dispatcher, queues, send };
}

describe('dispatcher shutdown', () => {
  it('lets a delivery in flight finish before it closes', async () => {
    const { dispatcher, queues, send } = await setup();
    const hook = await slowReceiver(800);
    const deliveryId = await send(hook.url);
    await eventually(() => (hook.seen.started === 1 ? true : undefined), 5_000, 'the delivery to start');
    await dispatcher.close(new AbortController().signal);
    expect(hook.seen.answered).toBe(1);
    expect(await queues.webhooks.getJobState(deliveryId)).toBe('completed');
  });

  it('past the deadline stops waiting and leaves the delivery to the stalled-job check', async () => {
    const { dispatcher, queues, send } = await setup();
    let deliveryId = '';
    // Teardown closes the receiver first, which fails the abandoned delivery: let BullMQ record
    // that before the connections close. Recording it on a closed connection, a closing Worker
    // retries at once, forever, and the spin starves this test process.
    closers.push(() =>
      eventually(async () => ((await queues.webhooks.getJobState(deliveryId)) === 'active' ? undefined : true), 15_000, 'the delivery to end'),
    );
    const hook = await slowReceiver(20_000);
    deliveryId = await send(hook.url);
    await eventually(() => (hook.seen.started === 1 ? true : undefined), 5_000, 'the delivery to start');
    const started = Date.now();
    await dispatcher.close(AbortSignal.timeout(300));
    // Far below the receiver's 20 s: a wide bound holds on a busy machine.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(hook.seen.answered).toBe(0);
    // Still claimed by the closed worker until its lock lapses; then any dispatcher's stalled check re-queues it.
    expect(await queues.webhooks.getJobState(deliveryId)).toBe('active');
  });
});
