import { Redis } from 'ioredis';
import type { RedisClient } from './redis-client';
import { describe, expect, it, vi } from 'vitest';
import { defineScripts } from './define-scripts';

interface Scripts {
  voxqTestOne(key: string): Promise<number>;
  voxqTestMany(...args: Array<string | number>): Promise<string[]>;
}

/** Just what defineScripts touches of a connection. */
const fakeRedis = () => ({ defineCommand: vi.fn(), get: vi.fn(), options: {} }) as unknown as RedisClient & { defineCommand: ReturnType<typeof vi.fn> };

describe('defineScripts', () => {
  it('defines each script with its key count (none: the count travels with each call)', () => {
    const redis = fakeRedis();
    defineScripts<Scripts>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' }, voxqTestMany: { lua: 'return {}' } });
    expect(redis.defineCommand.mock.calls).toEqual([
      ['voxqTestOne', { numberOfKeys: 1, lua: 'return 1' }],
      ['voxqTestMany', { lua: 'return {}' }],
    ]);
  });

  it('defines a script once per connection, however many stores use it', () => {
    const [a, b] = [fakeRedis(), fakeRedis()];
    for (const redis of [a, a, b]) defineScripts<Pick<Scripts, 'voxqTestOne'>>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' } });
    expect(a.defineCommand).toHaveBeenCalledTimes(1);
    expect(b.defineCommand).toHaveBeenCalledTimes(1);
  });

  it('knows a connection reached through a Proxy (BullMQ hands out its client that way)', () => {
    const redis = fakeRedis();
    defineScripts<Pick<Scripts, 'voxqTestOne'>>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' } });
    defineScripts<Pick<Scripts, 'voxqTestOne'>>(new Proxy(redis, {}), { voxqTestOne: { keys: 1, lua: 'return 1' } });
    expect(redis.defineCommand).toHaveBeenCalledTimes(1);
  });

  it('refuses a name already defined with another script, or one that is an ioredis command', () => {
    const redis = fakeRedis();
    defineScripts<Pick<Scripts, 'voxqTestOne'>>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' } });
    expect(() => defineScripts<Pick<Scripts, 'voxqTestOne'>>(redis, { voxqTestOne: { keys: 1, lua: 'return 2' } })).toThrow(/already defined/);
    expect(() => defineScripts<{ get(key: string): Promise<string> }>(redis, { get: { keys: 1, lua: 'return 1' } })).toThrow(/ioredis/);
  });

  it('leaves scripts given their key count per call out of auto-pipelining: ioredis would group them by the count, not a key', () => {
    // A client never connected: only its options are read.
    const redis = new Redis({ lazyConnect: true, enableAutoPipelining: true });
    defineScripts<Scripts>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' }, voxqTestMany: { lua: 'return {}' } });
    expect(redis.options.autoPipeliningIgnoredCommands).toEqual(['voxqTestMany']);
    redis.disconnect();
  });

  it('leaves a script defined while an automatic pipeline is open out of it: that pipeline was made without the command', () => {
    // Nothing answers on port 1: the queued command waits in its pipeline, and then fails.
    const redis = new Redis({ port: 1, lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.get('queued-before').catch(() => undefined);
    expect(redis.autoPipelineQueueSize).toBe(1);
    defineScripts<Pick<Scripts, 'voxqTestOne'>>(redis, { voxqTestOne: { keys: 1, lua: 'return 1' } });
    expect(redis.options.autoPipeliningIgnoredCommands).toEqual(['voxqTestOne']);
    redis.disconnect();
  });
});
