import type { RedisClient } from '@voxq/redis-keys';
import type { JobLiveEventInput } from '@voxq/contracts';
import type { KeyShards } from '@voxq/redis-keys';

/** The channel a job's run-time events are published on; its final status goes to `<record>:done`. */

/**
 * Publishes a job's run-time events for `GET /v1/jobs/:id/events`. Pub/sub, not a stream:
 * whoever listens gets them live (a stream opens with the job's state, so a late listener
 * misses nothing it needs), nothing is stored, and with no listener a PUBLISH costs RedisClient
 * next to nothing. Never awaited on the job's path and never fails it.
 */
export class JobEventPublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly shards: KeyShards,
  ) {}

  publish(jobId: string, event: JobLiveEventInput): void {
    this.redis.publish(this.shards.keysFor(jobId).channels.jobEvents(jobId), JSON.stringify({ ...event, at: new Date().toISOString() })).catch(() => undefined);
  }
}
