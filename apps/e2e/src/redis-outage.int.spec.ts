import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freePort,
  SPEKO_SDK_USER_AGENT,
  spawnRedisServer,
  startSimulatedStack,
  type SimulatedStack,
  type TestRedis,
  eachLine,
} from '@voxq/testing';

/**
 * Redis goes away under a running stack (its own redis-server, stopped and started again on
 * the same port): requests get a retryable 503 with Retry-After in their route's envelope, the
 * logs say so once rather than a stack trace per request, and the stack serves again once
 * Redis is back.
 */
const completeJob = { type: 'complete', input: { messages: [{ role: 'user', content: 'Hello' }] } };

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [key: string]: unknown;
}

describe('while Redis is down', () => {
  let port: number;
  let redis: TestRedis;
  let stack: SimulatedStack;
  let apiKey: string;
  const lines: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    redis = await spawnRedisServer(port);
    const logs = new PassThrough();
    eachLine(logs, (line) => line.trim() && lines.push(line));
    stack = await startSimulatedStack({ REDIS_URL: redis.url, LOG_LEVEL: 'info', API_RATE_LIMIT_PER_SECOND: '0' }, { logDestination: logs });
    apiKey = (await stack.createKey('acme')).apiKey;
  });
  let down = false;
  afterAll(async () => {
    // Closing waits for Redis (workers drain through it): bring it back after a failed test.
    if (down) {
      redis = await spawnRedisServer(port);
      // Closing while connections are still reconnecting can wait on them: let them come back.
      await eventually(() => (lines.some((l) => l.includes('"redis reconnected"') && l.includes('voxq:worker:commands')) ? true : undefined), 45_000);
    }
    await stack?.close();
    await redis?.stop();
  });

  it('answers 503 with Retry-After in the envelope, logs no stack per request, and serves again when Redis is back', async () => {
    // Served before the outage (no job in flight: its worker would wait through the outage).
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).status).toBe(200);
    // Counted from before the stop: a connection can log the outage before `stop` returns
    // (its first reconnect fails 100 ms after the close; a busy machine reports the exit later).
    const since = lines.length;
    await redis.stop();
    down = true;

    const requests = [
      () => stack.request(apiKey, 'POST', '/v1/jobs', completeJob),
      () => stack.request(apiKey, 'GET', '/v1/jobs'),
      () => stack.request(apiKey, 'GET', '/v1/jobs/job_missing'),
    ];
    for (let round = 0; round < 3; round++) {
      for (const send of requests) {
        const res = await send();
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.body.error).toMatchObject({ type: 'api_error', code: 'service_unavailable', param: null });
        expect(res.body.error?.message).toMatch(/redis/i);
      }
    }
    // The Speko SDK reads its own flat body, whichever route it calls.
    const speko = await stack.request(apiKey, 'GET', '/v1/jobs', undefined, { 'user-agent': SPEKO_SDK_USER_AGENT });
    expect(speko.status).toBe(503);
    expect(speko.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((await fetch(`${stack.url}/readyz`)).status).toBe(503);

    const during = lines.slice(since).map((l) => JSON.parse(l) as LogLine);
    // No stack trace anywhere, no error line per request: the outage is a warning, said once.
    expect(during.filter((l) => JSON.stringify(l).includes('    at ')).map((l) => l.msg)).toEqual([]);
    expect(during.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
    expect(during.filter((l) => l.reqId !== undefined && l.level >= 40)).toEqual([]);
    const outageLines = during.filter((l) => l.msg === 'redis unavailable');
    expect(outageLines.length).toBeGreaterThan(0);
    // Each connection says it once (api, worker, dispatcher each hold a few), not once per request or per retry.
    expect(new Set(outageLines.map((l) => l.connection)).size).toBe(outageLines.length);

    // A fresh Redis (no persistence): the key is made again once the test's own connection is back.
    redis = await spawnRedisServer(port);
    down = false;
    const freshKey = await eventually(async () => (await stack.createKey('acme')).apiKey, 45_000, 'a key in the new Redis');
    const created = await eventually(
      async () => {
        const res = await stack.request(freshKey, 'POST', '/v1/jobs', completeJob);
        return res.status === 202 ? res : undefined;
      },
      45_000,
      'the API to accept jobs again',
    );
    expect(created.body.id).toEqual(expect.any(String));
    expect((await stack.request(freshKey, 'GET', '/v1/jobs')).status).toBe(200);
    await eventually(() => (lines.some((l) => (JSON.parse(l) as LogLine).msg === 'redis reconnected') ? true : undefined), 30_000, "'redis reconnected'");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  });
});
