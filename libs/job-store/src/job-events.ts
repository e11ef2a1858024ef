import { Cluster } from 'ioredis';
import type { JobLiveEventInput } from '@voxq/contracts';
import { defineScripts, type KeyShards, type RedisClient } from '@voxq/redis-keys';
import publishLua from './scripts/job-event-publish.lua';

interface EventScripts {
  voxqPublishJobEvent(record: string, channel: string, ...messages: string[]): Promise<number>;
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

  /** An event as its message: its JSON, stamped with the time it happened. */
  message(event: JobLiveEventInput): string {
    return JSON.stringify({ ...event, at: new Date().toISOString() });
  }

  publish(jobId: string, event: JobLiveEventInput, watched = false): void {
    this.send(jobId, [this.message(event)], watched);
  }

  /**
   * Sends messages in order. `watched`: the attempt's start found the job watched; it stays so
   * (nothing unmarks it), so they go without asking. Otherwise the script asks the record
   * first: a listener may have come since.
   */
  send(jobId: string, messages: string[], watched = false): void {
    if (messages.length === 0) return;
    const keys = this.shards.keysFor(jobId);
    const channel = keys.channels.jobEvents(jobId);
    // One Redis publishes everything from one place: the script is only needed to pin a
    // cluster's messages to the job's node.
    const sent =
      watched && !(this.redis instanceof Cluster)
        ? Promise.all(messages.map((message) => this.redis.publish(channel, message)))
        : this.redis.voxqPublishJobEvent(keys.jobs.record(jobId), channel, ...messages);
    sent.catch(() => undefined);
  }
}
