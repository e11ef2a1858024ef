import type { UsageAllowance } from '@voxq/auth';
import type { JobService } from '@voxq/intake';
import type { BatchStore } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import type { Queues } from '@voxq/queues';
import type { ObjectStore } from '@voxq/storage';
import type { WebhookQueueContext } from '@voxq/webhooks';

export const runJobId = (batchId: string) => `run.${batchId}`;

/** Everything the batch runner's units use; each unit takes only its `Pick` of it. */
export interface BatchRunnerDeps {
  store: BatchStore;
  jobs: JobService;
  objects: ObjectStore;
  providers: ProviderRuntime;
  /** Where `batch.*` webhook events go. */
  webhooks: WebhookQueueContext;
  /** File expiries are scheduled on the `batches` queue. */
  queues: Pick<Queues, 'enqueue'>;
  /** Every line is charged to the tenant's monthly allowance when the batch is validated. */
  allowance: UsageAllowance;
  logger: Logger;
  pollMs: number;
  fileRetentionSeconds: number;
  /** Most lines one batch may hold (`BATCH_MAX_REQUESTS`). */
  maxRequests: number;
}
