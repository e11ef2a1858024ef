import type { RedisClient } from '@voxq/redis-keys';
import type { StreamEntry } from '@voxq/contracts';
import type { KeyShards } from '@voxq/redis-keys';

/** An entry of a job's delta stream with its stream id (the SSE `id:`). */
export interface StreamItem {
  id: string;
  entry: StreamEntry;
}

/** Subscribes `fn` to a channel; resolves once subscribed, with the function that stops it. */
export type ChannelListen = (channel: string, fn: (message: string) => void) => Promise<() => void>;

export interface FollowOptions {
  redis: RedisClient;
  shards: KeyShards;
  listen: ChannelListen;
  jobId: string;
  /** Resume after this stream id (`Last-Event-ID`); from the start when absent. */
  after?: string;
  /** Called with new items, in stream order, each once. */
  onItems(items: StreamItem[]): void;
}

export interface StreamFollower {
  /** Reads what is left in the stream (call once the job has ended: the worker wrote it all before). */
  drain(): Promise<void>;
  stop(): void;
}

/** Stream ids compare as `<ms>-<seq>` pairs. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

const PAGE = 1_000;

type Rows = Array<[id: string, fields: string[]]>;
const itemsOf = (rows: Rows): StreamItem[] => rows.map(([id, fields]) => ({ id, entry: JSON.parse(fields[1] ?? '{}') as StreamEntry }));

/**
 * Follows a job's delta stream: subscribes to its live channel first, then reads what is
 * already there, so nothing written in between is missed. Live messages carry the id of the
 * entry before them; when that is not the last one seen (a message lost in a reconnect, or
 * the backlog still being read), the gap is read from the stream itself. Each item reaches
 * `onItems` once, in order.
 */
export async function followJobStream(options: FollowOptions): Promise<StreamFollower> {
  const { redis, jobId, onItems } = options;
  const keys = options.shards.keysFor(jobId);
  const stream = keys.jobs.deltas(jobId);
  let last = options.after ?? '0-0';
  let stopped = false;
  let reading: Promise<void> = Promise.resolve();

  const deliver = (items: StreamItem[]) => {
    const fresh = items.filter((item) => compareStreamIds(item.id, last) > 0);
    if (stopped || fresh.length === 0) return;
    last = fresh.at(-1)!.id;
    onItems(fresh);
  };
  // One read at a time, each from wherever the last left off.
  const readGap = (): Promise<void> => {
    reading = reading.then(async () => {
      for (;;) {
        if (stopped) return;
        const rows = (await redis.xrange(stream, `(${last}`, '+', 'COUNT', PAGE)) as Rows;
        deliver(itemsOf(rows));
        if (rows.length < PAGE) return;
      }
    });
    return reading;
  };

  const stop = await options.listen(keys.channels.jobDeltas(jobId), (message) => {
    if (stopped) return;
    const { prev, entries } = JSON.parse(message) as { prev: string; entries: Array<[string, StreamEntry]> };
    if (compareStreamIds(prev, last) > 0) return void readGap().catch(() => undefined);
    deliver(entries.map(([id, entry]) => ({ id, entry })));
  });
  try {
    await readGap();
  } catch (error) {
    stop();
    throw error;
  }
  return {
    drain: () => readGap(),
    stop() {
      stopped = true;
      stop();
    },
  };
}
