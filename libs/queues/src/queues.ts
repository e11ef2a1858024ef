import { Queue, type Job } from 'bullmq';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import { JOB_TYPES, type JobType } from '@voxq/contracts';
import { enqueue, enqueueMany, type EnqueueRequest } from './enqueue';
import { QUEUE_CATALOG, type CatalogQueue, type JobNameOf, type QueueKey } from './queue-catalog';

/** The queues each shard has: one per job type, and the tool calls (BullMQ children, in their parent's slot). */
export type ShardedQueueKey = JobType | 'tools';
/** The queues outside the shards, under the prefix itself. */
export type BaseQueueKey = Exclude<QueueKey, ShardedQueueKey>;

/**
 * How many entries BullMQ's event stream of each queue keeps (its default is 10,000). voxq
 * reads no queue events (no QueueEvents: a job's record and channels say what happened), so
 * the stream is kept short: it is Redis memory that grows with traffic up to the cap, about
 * 85 bytes an event, four events a job.
 */
export const QUEUE_EVENTS_MAX_LEN = 1_000;

const isSharded = (key: QueueKey): key is ShardedQueueKey => key === 'tools' || (JOB_TYPES as readonly string[]).includes(key);

/**
 * The producer side of every queue of the catalog, sharing one connection. The job queues
 * and `tools` exist once per shard (`KeyShards`): a job goes to its id's shard. `webhooks`
 * and `batches` exist once, under the prefix.
 */
export class Queues {
  readonly shards: KeyShards;
  private readonly sharded: Array<Record<ShardedQueueKey, Queue>>;
  readonly webhooks: Queue;
  readonly batches: Queue;

  constructor(connection: RedisClient, config: Config) {
    this.shards = KeyShards.for(config.redis);
    const make = (key: QueueKey, shard: number) => {
      const entry = QUEUE_CATALOG[key];
      const prefix = this.shards.keysOf(shard).bull.prefix();
      return new Queue(entry.name, { connection, prefix, defaultJobOptions: entry.defaults(config), streams: { events: { maxLen: QUEUE_EVENTS_MAX_LEN } } });
    };
    this.sharded = this.shards.all().map((k) => {
      const queues = Object.fromEntries(JOB_TYPES.map((type) => [type, make(type, k)])) as Record<JobType, Queue>;
      return { ...queues, tools: make('tools', k) };
    });
    this.webhooks = make('webhooks', 0);
    this.batches = make('batches', 0);
  }

  /** The producer of sharded queue `key` in the shard job `jobId` belongs to. */
  forJob(key: ShardedQueueKey, jobId: string): Queue {
    return this.inShard(key, this.shards.ofId(jobId));
  }

  /** Sharded queue `key`'s producer in shard `k`. */
  inShard(key: ShardedQueueKey, k: number): Queue {
    const queues = this.sharded[k];
    if (!queues) throw new Error(`queues: no shard ${k} of ${this.shards.count}`);
    return queues[key];
  }

  /** Sharded queue `key`'s producer in every shard. */
  everyShard(key: ShardedQueueKey): Queue[] {
    return this.sharded.map((queues) => queues[key]);
  }

  /** The shard of a job read from a sharded queue: the one whose queue it came from. */
  shardOfJob(job: Pick<Job, 'queueQualifiedName' | 'queueName'>): number {
    const k = this.shardOfPrefix(job.queueQualifiedName.slice(0, -(job.queueName.length + 1)));
    if (k === null) throw new Error(`queues: '${job.queueQualifiedName}' is no shard's queue`);
    return k;
  }

  /** The shard a sharded queue's producer serves; null for a base queue. */
  shardOfQueue(queue: Queue): number | null {
    return isSharded(queue.name as QueueKey) ? this.shardOfPrefix(queue.opts.prefix ?? '') : null;
  }

  private shardOfPrefix(bullPrefix: string): number | null {
    return this.shards.all().find((k) => this.shards.keysOf(k).bull.prefix() === bullPrefix) ?? null;
  }

  /** The producer of a queue outside the shards. */
  queue(key: BaseQueueKey): Queue {
    return this[key];
  }

  /** Adds one job to base queue `key`, typed by its catalog entry: `queues.enqueue('batches', { job: 'run', payload })`. */
  enqueue<K extends BaseQueueKey, N extends JobNameOf<CatalogQueue<K>>>(key: K, request: EnqueueRequest<CatalogQueue<K>, N>): Promise<Job> {
    return enqueue(this.queue(key), QUEUE_CATALOG[key], request);
  }

  /** Adds several jobs of base queue `key` in one round trip. */
  enqueueMany<K extends BaseQueueKey, N extends JobNameOf<CatalogQueue<K>>>(key: K, requests: Array<EnqueueRequest<CatalogQueue<K>, N>>): Promise<Job[]> {
    return enqueueMany(this.queue(key), QUEUE_CATALOG[key], requests);
  }

  /** Every producer: each shard's, then the base queues. */
  all(): Queue[] {
    return [...this.sharded.flatMap((queues) => Object.values(queues)), this.webhooks, this.batches];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

export { isSharded };

/**
 * A process's concurrency for one queue (`WORKER_CONCURRENCY`), split over the workers of
 * its shards, rounded up: jobs spread evenly over the shards (by id), so each shard's worker
 * sees its share of them.
 */
export function shardConcurrency(total: number, shards: number): number {
  return Math.max(1, Math.ceil(total / shards));
}
