import type { RedisClient } from '@voxq/redis-keys';
import type { Principal } from '@voxq/auth';
import type { JobView } from '@voxq/contracts';
import { followJobStream, type StreamItem } from '@voxq/job-stream';
import type { KeyShards } from '@voxq/redis-keys';
import type { JobChannels } from './job-channels';
import type { JobWaiter } from './job-waiter';

/** What a follower of a job gets, in order: its stream's entries as they come, then the job. */
export type FeedItem = { kind: 'items'; items: StreamItem[] } | { kind: 'job'; job: JobView };

export interface FollowJob {
  /** Resume after this stream id (`Last-Event-ID`). */
  after?: string;
  /** How long to wait for the job to end; the last item is then the job as it is. */
  waitMs: number;
  /** The client went away: the feed ends. */
  signal: AbortSignal;
}

/**
 * A job's reply as it is made and then the job itself, for the streaming routes: the delta
 * stream's entries (replayed from the start or from `after`, then live), and once the job
 * has ended (or the wait ran out) the rest of the stream and the job's view. The worker
 * writes every entry before it stores the result, so nothing comes after the job.
 */
export class JobFeed {
  constructor(
    private readonly redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly channels: JobChannels,
    private readonly waiter: JobWaiter,
  ) {}

  async *follow(principal: Principal, jobId: string, options: FollowJob): AsyncGenerator<FeedItem> {
    const queue: FeedItem[] = [];
    let wake: (() => void) | null = null;
    let failure: { error: unknown } | null = null;
    let done = false;
    const push = (item: FeedItem) => {
      queue.push(item);
      wake?.();
    };
    const follower = await followJobStream({
      redis: this.redis,
      shards: this.shards,
      listen: (channel, fn) => this.channels.listen(channel, fn),
      jobId,
      ...(options.after ? { after: options.after } : {}),
      onItems: (items) => push({ kind: 'items', items }),
    });
    this.waiter
      .waitForJob(principal, jobId, options.waitMs, options.signal)
      .then(async (job) => {
        await follower.drain();
        push({ kind: 'job', job });
      })
      .catch((error: unknown) => {
        failure = { error };
        wake?.();
      })
      .finally(() => {
        done = true;
        wake?.();
      });
    try {
      for (;;) {
        const item = queue.shift();
        if (item) {
          yield item;
          if (item.kind === 'job') return;
          continue;
        }
        if (failure) throw (failure as { error: unknown }).error;
        if (done || options.signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      follower.stop();
    }
  }
}
