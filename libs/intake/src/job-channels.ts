import type { Config } from '@voxq/config';
import { createRedisConnection } from '@voxq/queues';
import type { Redis } from 'ioredis';

type Listener = (message: string) => void;

/**
 * An API process's one Redis subscriber for jobs' channels (final status, live events).
 * Channels are subscribed while someone listens and unsubscribed when the last one leaves,
 * so the process hears about the jobs its requests wait on and nothing else.
 */
export class JobChannels {
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(config: Config) {
    this.subscriber = createRedisConnection(config.redis.url, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string, message: string) => this.listeners.get(channel)?.forEach((fn) => fn(message)));
    // A Redis hiccup must not crash the API: listeners poll as a safety net, and ioredis
    // subscribes again on reconnect.
    this.subscriber.on('error', () => undefined);
  }

  /** Listens on `channel`; resolves once subscribed, with the function that stops listening. */
  async listen(channel: string, fn: Listener): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    // A failed subscribe is survivable: the waiter also polls every second (job-waiter.ts).
    const subscribed = set.size === 1 ? this.subscriber.subscribe(channel).catch(() => undefined) : Promise.resolve();
    await subscribed;
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(fn) || current.size > 0) return;
      this.listeners.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  close(): void {
    this.subscriber.disconnect();
  }
}

const shared = new WeakMap<Redis, JobChannels>();

/** The process's hub, made on first use and closed with the API's Redis connection. */
export function jobChannelsFor(deps: { config: Config; redis: Redis }): JobChannels {
  let hub = shared.get(deps.redis);
  if (!hub) {
    const made = new JobChannels(deps.config);
    shared.set(deps.redis, made);
    deps.redis.once('end', () => made.close());
    hub = made;
  }
  return hub;
}
