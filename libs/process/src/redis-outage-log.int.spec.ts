import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { eventually, freePort, spawnRedisServer, type TestRedis } from '@voxq/testing';
import { logQueueError, watchRedisConnection } from './redis-outage-log';

/** A logger whose lines the test reads back, parsed. */
function capturedLogger() {
  const lines: Array<{ level: number; msg: string; connection?: string; err?: unknown }> = [];
  const out = new PassThrough();
  out.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ name: 'outage-spec', level: 'debug', destination: out }), lines };
}

describe('watchRedisConnection', () => {
  let redis: TestRedis | null = null;
  let client: Redis | null = null;
  afterEach(async () => {
    client?.disconnect();
    await redis?.stop();
    redis = null;
  });

  it('warns once per outage however many reconnect attempts fail, and says when the connection is back', async () => {
    const port = await freePort();
    redis = await spawnRedisServer(port);
    const { logger, lines } = capturedLogger();
    // Quick retries: many failed attempts while Redis is down.
    client = new Redis(redis.url, { retryStrategy: () => 20, maxRetriesPerRequest: null });
    let attempts = 0;
    client.on('error', () => attempts++);
    watchRedisConnection(client, logger, 'voxq:spec:commands');
    await eventually(() => (client!.status === 'ready' ? true : undefined));

    await redis.stop();
    redis = null;
    await eventually(() => (attempts >= 5 ? true : undefined), 30_000, 'several failed reconnects');
    expect(lines.filter((l) => l.msg === 'redis unavailable')).toEqual([expect.objectContaining({ level: 40, connection: 'voxq:spec:commands' })]);

    redis = await spawnRedisServer(port);
    await eventually(() => (lines.some((l) => l.msg === 'redis reconnected') ? true : undefined), 30_000, "'redis reconnected'");
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('logQueueError', () => {
  it('sends connection errors to debug and logs anything else with its stack', async () => {
    const { logger, lines } = capturedLogger();
    const report = logQueueError(logger, 'worker error', { queue: 'q' });
    report(new Error('Connection is closed.'));
    report(new Error('a bug'));
    await eventually(() => (lines.length === 2 ? true : undefined), 15_000, 'both lines');
    expect(lines.map((l) => [l.level, l.msg, Boolean(l.err)])).toEqual([
      [20, 'worker error: redis unavailable', false],
      [50, 'worker error', true],
    ]);
  });
});
