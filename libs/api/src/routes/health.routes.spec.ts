import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes, markDraining } from './health.routes';

describe('health routes', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const serve = async () => {
    const app = express();
    app.use(healthRoutes({ ping: async () => 'PONG' } as unknown as Redis));
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
});
