import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@voxq/config';
import type { JobType } from '@voxq/contracts';
import { batchJobOptions, defaultJobOptions, toolJobOptions, webhookJobOptions } from './job-options';
import { bullPrefix, QUEUE_NAMES } from './queue-names';

/** The producer side of every queue, sharing one connection. */
export class Queues {
  readonly jobs: Record<JobType, Queue>;
  readonly webhooks: Queue;
  readonly tools: Queue;
  readonly batches: Queue;

  constructor(connection: Redis, config: Config) {
    const prefix = bullPrefix(config.redis.prefix);
    const jobOptions = defaultJobOptions(config);
    const make = (name: string, defaults = jobOptions) =>
      new Queue(name, { connection, prefix, defaultJobOptions: defaults });
    this.jobs = {
      transcribe: make(QUEUE_NAMES.transcribe),
      synthesize: make(QUEUE_NAMES.synthesize),
      complete: make(QUEUE_NAMES.complete),
    };
    this.webhooks = make(QUEUE_NAMES.webhooks, webhookJobOptions(config));
    this.tools = make(QUEUE_NAMES.tools, toolJobOptions(config));
    this.batches = make(QUEUE_NAMES.batches, batchJobOptions(config));
  }

  all(): Queue[] {
    return [...Object.values(this.jobs), this.webhooks, this.tools, this.batches];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
