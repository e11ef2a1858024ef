import type { AddressInfo } from 'node:net';
import express from 'express';
import type { RedisClient } from '@voxq/redis-keys';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { errorHandler } from '../middleware/error-handler';
import { healthRoutes, markDraining } from './health.routes';

describe('health routes', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const serve = async (outage = { cause: null as Error | null }) => {
    const app = express();
    app.use(healthRoutes({ ping: async () => 'PONG' } as unknown as RedisClient, outage));
    app.use(errorHandler(createLogger({ name: 'health-spec', level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    close = () => server.close();
    return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };

  it('is ready until the app drains, then answers 503 while liveness stays 200', async () => {
    const { app, url } = await serve();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    markDraining(app);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is not ready while the Redis connection is known to be down: a retryable 503 at once', async () => {
    const outage = { cause: new Error('connect ECONNREFUSED 127.0.0.1:6379') as Error | null };
    const { url } = await serve(outage);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(Number(ready.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    outage.cause = null;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
