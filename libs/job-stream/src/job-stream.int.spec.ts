import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, eventually, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { ReplyStreamWriter } from './reply-writer';
import { followJobStream, type ChannelListen, type StreamItem } from './stream-follower';

const config = testConfig();
const logger = createLogger({ name: 'job-stream-test', level: 'silent' });

/** A subscriber connection as the API's JobChannels keeps one: a channel → listeners map. */
function channelsOn(subscriber: RedisClient): ChannelListen {
  const listeners = new Map<string, (message: string) => void>();
  subscriber.on('message', (channel: string, message: string) => listeners.get(channel)?.(message));
  return async (channel, fn) => {
    listeners.set(channel, fn);
    await subscriber.subscribe(channel);
    return () => {
      listeners.delete(channel);
      void subscriber.unsubscribe(channel);
    };
  };
}

describe('job delta streams through Redis', () => {
  let writerConnection: RedisClient;
  let reader: RedisClient;
  let subscriber: RedisClient;
  beforeAll(() => {
    writerConnection = createRedisConnection(config.redis);
    reader = createRedisConnection(config.redis);
    subscriber = createRedisConnection(config.redis);
  });
  afterEach(() => cleanupPrefix(config));
  afterAll(() => {
    writerConnection.disconnect();
    reader.disconnect();
    subscriber.disconnect();
  });

  it('delivers every entry once and in order to a live reader and to a late one, and caps and expires the stream', async () => {
    const writer = new ReplyStreamWriter(writerConnection, KeyShards.for(config.redis), { maxEntries: 1000, ttlSeconds: 60 }, logger);
    const deltas = writer.forJob('job_stream_1');
    const live: StreamItem[] = [];
    const follower = await followJobStream({
      redis: reader,
      shards: KeyShards.for(config.redis),
      listen: channelsOn(subscriber),
      jobId: 'job_stream_1',
      onItems: (i) => live.push(...i),
    });
    const reply = deltas.reply({ r: '1.0.0', hop: 0, provider: 'openai', model: 'm' });
    for (let i = 0; i < 50; i++) {
      reply.delta({ content: `p${i} ` });
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve)); // several batches
    }
    await reply.end();
    await deltas.final('1.0.0');
    await eventually(async () => (live.length === 53 ? true : undefined), 5_000, 'all entries');
    follower.stop();
    expect(live.map((i) => i.entry.k)).toEqual(['start', ...Array(50).fill('delta'), 'end', 'fin']);
    expect(live.filter((i) => i.entry.k === 'delta').map((i) => (i.entry as { c: string }).c)).toEqual(Array.from({ length: 50 }, (_, i) => `p${i} `));

    // A reader arriving later replays the same entries; one resuming after an id gets the rest.
    const late: StreamItem[] = [];
    const replay = await followJobStream({
      redis: reader,
      shards: KeyShards.for(config.redis),
      listen: channelsOn(createRedisConnection(config.redis)),
      jobId: 'job_stream_1',
      onItems: (i) => late.push(...i),
    });
    replay.stop();
    expect(late).toEqual(live);
    const resumed: StreamItem[] = [];
    const rest = await followJobStream({
      redis: reader,
      shards: KeyShards.for(config.redis),
      listen: async () => () => undefined,
      jobId: 'job_stream_1',
      after: live[10]!.id,
      onItems: (i) => resumed.push(...i),
    });
    await rest.drain();
    rest.stop();
    expect(resumed).toEqual(live.slice(11));

    const key = KeyShards.for(config.redis).keysFor('job_stream_1').jobs.deltas('job_stream_1');
    expect(await reader.pttl(key)).toBeGreaterThan(50_000);
  });

  it('writes nothing for a call that fails before its first piece, and cut for one that fails after', async () => {
    const writer = new ReplyStreamWriter(writerConnection, KeyShards.for(config.redis), { maxEntries: 1000, ttlSeconds: 60 }, logger);
    const deltas = writer.forJob('job_stream_2');
    await deltas.reply({ r: '1.0.0', hop: 0, provider: 'openai', model: 'm' }).cut({ code: 'provider_unavailable', message: '503' });
    const second = deltas.reply({ r: '1.0.1', hop: 0, provider: 'anthropic', model: 'c' });
    second.delta({ content: 'half' });
    await second.cut({ code: 'provider_unavailable', message: 'reset' });
    const rows = await reader.xrange(KeyShards.for(config.redis).keysFor('job_stream_2').jobs.deltas('job_stream_2'), '-', '+');
    expect(rows.map(([, fields]) => JSON.parse(fields[1]!) as { k: string; r: string })).toEqual([
      { k: 'start', r: '1.0.1', hop: 0, provider: 'anthropic', model: 'c' },
      { k: 'delta', r: '1.0.1', c: 'half' },
      { k: 'cut', r: '1.0.1', code: 'provider_unavailable', message: 'reset' },
    ]);
  });

  it('fills a gap from the stream when a live message was missed', async () => {
    const writer = new ReplyStreamWriter(writerConnection, KeyShards.for(config.redis), { maxEntries: 1000, ttlSeconds: 60 }, logger);
    const deltas = writer.forJob('job_stream_3');
    const reply = deltas.reply({ r: '1.0.0', hop: 0, provider: 'openai', model: 'm' });
    reply.delta({ content: 'a' });
    await reply.end();
    // This reader drops the first live message it hears, as a reconnecting subscriber may.
    let dropped = false;
    const listen = channelsOn(subscriber);
    const got: StreamItem[] = [];
    const follower = await followJobStream({
      redis: reader,
      shards: KeyShards.for(config.redis),
      jobId: 'job_stream_3',
      listen: (channel, fn) => listen(channel, (message) => (dropped ? fn(message) : void (dropped = true))),
      onItems: (i) => got.push(...i),
    });
    const next = deltas.reply({ r: '1.1.0', hop: 1, provider: 'openai', model: 'm' });
    next.delta({ content: 'b' });
    await next.end(); // missed
    const last = deltas.reply({ r: '1.2.0', hop: 2, provider: 'openai', model: 'm' });
    last.delta({ content: 'c' });
    await last.end(); // heard: its `prev` is not the last id seen, so the gap is read
    await eventually(async () => (got.length === 9 ? true : undefined), 5_000, 'the gap filled');
    follower.stop();
    expect(got.filter((i) => i.entry.k === 'delta').map((i) => (i.entry as { c: string }).c)).toEqual(['a', 'b', 'c']);
  });
});
