import type { RedisClient } from '@voxq/redis-keys';

type Listener = (message: string) => void;

/**
 * An API process's one Redis subscriber for jobs' channels (final status, live events).
 * Channels are subscribed while someone listens and unsubscribed when the last one leaves,
 * so the process hears about the jobs its requests wait on and nothing else.
 */
export class JobChannels {
  private connection: RedisClient | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  /**
   * `openSubscriber` makes the process's subscriber connection (a subscribed client can run
   * nothing else); it is called on first use, so a process nobody waits in never opens it.
   * Its opener owns it and closes it at shutdown.
   */
  constructor(private readonly openSubscriber: () => RedisClient) {}

  private get subscriber(): RedisClient {
    if (!this.connection) {
      const made = this.openSubscriber();
      made.on('message', (channel: string, message: string) => this.listeners.get(channel)?.forEach((fn) => fn(message)));
      // A Redis hiccup must not crash the API: listeners poll as a safety net, and ioredis
      // subscribes again on reconnect.
      made.on('error', () => undefined);
      this.connection = made;
    }
    return this.connection;
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
}
