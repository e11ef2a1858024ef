import { Queue, type Job } from 'bullmq';
import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import type { JobType } from '@voxq/contracts';
import { enqueue, enqueueMany, type EnqueueRequest } from './enqueue';
import { QUEUE_CATALOG, type CatalogQueue, type JobNameOf, type QueueKey } from './queue-catalog';
import { bullPrefix } from './queue-names';

/** The producer side of every queue of the catalog, sharing one connection. */
export class Queues {
  readonly jobs: Record<JobType, Queue>;
  readonly webhooks: Queue;
  readonly tools: Queue;
  readonly batches: Queue;

  constructor(connection: RedisClient, config: Config) {
    const prefix = bullPrefix(config.redis.prefix);
    const make = (key: QueueKey) => {
      const entry = QUEUE_CATALOG[key];
      return new Queue(entry.name, { connection, prefix, defaultJobOptions: entry.defaults(config) });
    };
    this.jobs = { transcribe: make('transcribe'), synthesize: make('synthesize'), complete: make('complete'), embed: make('embed') };
    this.webhooks = make('webhooks');
    this.tools = make('tools');
    this.batches = make('batches');
  }

  /** The producer of the catalog's queue `key`. */
  queue(key: QueueKey): Queue {
    if (key === 'webhooks' || key === 'tools' || key === 'batches') return this[key];
    return this.jobs[key];
  }

  /** Adds one job to queue `key`, typed by its catalog entry: `queues.enqueue('batches', { job: 'run', payload })`. */
  enqueue<K extends QueueKey, N extends JobNameOf<CatalogQueue<K>>>(key: K, request: EnqueueRequest<CatalogQueue<K>, N>): Promise<Job> {
    return enqueue(this.queue(key), QUEUE_CATALOG[key], request);
  }

  /** Adds several jobs to queue `key` in one round trip. */
  enqueueMany<K extends QueueKey, N extends JobNameOf<CatalogQueue<K>>>(key: K, requests: Array<EnqueueRequest<CatalogQueue<K>, N>>): Promise<Job[]> {
    return enqueueMany(this.queue(key), QUEUE_CATALOG[key], requests);
  }

  all(): Queue[] {
    return [...Object.values(this.jobs), this.webhooks, this.tools, this.batches];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
