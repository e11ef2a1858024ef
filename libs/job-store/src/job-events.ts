import { Cluster } from 'ioredis';
import type { JobLiveEventInput } from '@voxq/contracts';
import { defineScripts, type KeyShards, type RedisClient } from '@voxq/redis-keys';
import publishLua from './scripts/job-event-publish.lua';

interface EventScripts {
  voxqPublishJobEvent(channel: string, message: string): Promise<number>;
}

/**
 * Publishes a job's run-time events for `GET /v1/jobs/:id/events`. Pub/sub, not a stream:
 * whoever listens gets them live (a stream opens with the job's state, so a late listener
 * misses nothing it needs), nothing is stored, and with no listener a PUBLISH costs Redis
 * next to nothing. Never awaited on the job's path and never fails it. Its final status goes
 * to `<record>:done` (job-transition.lua); both from the job's shard, in order (see the script).
 */
export class JobEventPublisher {
  private readonly redis: RedisClient & EventScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
  ) {
    this.redis = defineScripts<EventScripts>(redis, { voxqPublishJobEvent: { keys: 1, lua: publishLua } });
  }

  publish(jobId: string, event: JobLiveEventInput): void {
    const channel = this.shards.keysFor(jobId).channels.jobEvents(jobId);
    const message = JSON.stringify({ ...event, at: new Date().toISOString() });
    // One Redis publishes everything from one place: the script (an EVALSHA around the
    // PUBLISH, more Redis CPU) is only needed to pin a cluster's messages to the job's node.
    const sent = this.redis instanceof Cluster ? this.redis.voxqPublishJobEvent(channel, message) : this.redis.publish(channel, message);
    sent.catch(() => undefined);
  }
}
