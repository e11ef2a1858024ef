import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@voxq/errors';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { HistoryBacklogGate } from './history-backlog-gate';
import { HistoryHandoff } from './history-handoff';

const config = testConfig();

describe('HistoryBacklogGate', () => {
  let redis: RedisClient;
  let shards: KeyShards;
  let handoff: HistoryHandoff;

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
    shards = KeyShards.for(config.redis);
    handoff = new HistoryHandoff(redis, shards, 60);
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  /** Finished jobs waiting for the history tier, spread over the shards as the transition script leaves them. */
  const wait = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = `job_${Date.now().toString(16).padStart(12, '0')}${String(i).padStart(8, '0')}`;
      await redis.zadd(shards.keysFor(id).history.pending(), Date.now(), id);
    }
  };
  const refusal = (gate: HistoryBacklogGate) =>
    gate.admit().then(
      () => null,
      (error: unknown) => error,
    );

  it('admits below the bound, refuses at it with a retryable 503, and admits again once the backlog drains', async () => {
    let now = 0;
    const gate = new HistoryBacklogGate(handoff, 3, () => now);
    await wait(2);
    expect(await refusal(gate)).toBeNull();
    await wait(1);
    // The count is a second old at most: within it the gate answers from what it read.
    now += 999;
    expect(await refusal(gate)).toBeNull();
    now += 1;
    const refused = await refusal(gate);
    expect(isAppError(refused) && { status: refused.status, code: refused.code, retryable: refused.retryable, after: refused.retryAfterSeconds }).toEqual({
      status: 503,
      code: 'service_unavailable',
      retryable: true,
      after: 30,
    });
    expect((refused as Error).message).toMatch(/3 finished jobs are waiting .* \(limit 3\)/);
    await cleanupPrefix(config);
    now += 1000;
    expect(await refusal(gate)).toBeNull();
  });

  it('reads the backlog once for the requests that arrive together', async () => {
    const counted: number[] = [];
    const gate = new HistoryBacklogGate({ waiting: () => handoff.waiting().then((n) => (counted.push(n), n)) }, 10);
    await Promise.all(Array.from({ length: 20 }, () => gate.admit()));
    expect(counted).toHaveLength(1);
  });

  it('never counts when unbounded', async () => {
    await wait(5);
    const gate = new HistoryBacklogGate({ waiting: () => Promise.reject(new Error('not to be read')) }, 0);
    await expect(gate.admit()).resolves.toBeUndefined();
  });
});
