import { Cluster } from 'ioredis';
import type { JobLiveEventInput } from '@voxq/contracts';
import { defineScripts, type KeyShards, type RedisClient } from '@voxq/redis-keys';
import publishLua from './scripts/job-event-publish.lua';

interface EventScripts {
  voxqPublishJobEvent(record: string, message: string, channel: string): Promise<number>;
}

/**
 * Publishes a job's run-time events for `GET /v1/jobs/:id/events`. Pub/sub, not a stream:
 * whoever listens gets them live (a stream opens with the job's state, so a late listener
 * misses nothing it needs), and nothing is stored. Only a watched job's events are sent (a
 * listener marks its record, `JobStore.watch`): on a job nobody watches, which is most of
 * them, a PUBLISH would still be a Redis command each. Never awaited on the job's path and
 * never fails it. Its final status goes to `<record>:done` (job-transition.lua); both from the
 * job's shard, in order (see the script).
 */
export class JobEventPublisher {
  private readonly redis: RedisClient & EventScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
  ) {
    this.redis = defineScripts<EventScripts>(redis, { voxqPublishJobEvent: { keys: 1, lua: publishLua } });
  }

  /**
   * `watched`: the attempt's start found the job watched; it stays so (nothing unmarks it), so
   * the event is published without asking. Otherwise the script asks the record first: a
   * listener may have come since.
   */
  publish(jobId: string, event: JobLiveEventInput, watched = false): void {
    const keys = this.shards.keysFor(jobId);
    const channel = keys.channels.jobEvents(jobId);
    const message = JSON.stringify({ ...event, at: new Date().toISOString() });
    // One Redis publishes everything from one place: the script is only needed to pin a
    // cluster's messages to the job's node.
    const sent =
      watched && !(this.redis instanceof Cluster)
        ? this.redis.publish(channel, message)
        : this.redis.voxqPublishJobEvent(keys.jobs.record(jobId), message, channel);
    sent.catch(() => undefined);
  }
}
