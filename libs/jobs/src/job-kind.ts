import type { JobPayloadOf, JobResultOf, JobType } from '@voxq/contracts';
import type { BlobStore } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import type { ProviderRouter } from '@voxq/providers';

/** What a handler may use. Handlers never see BullMQ. */
export interface JobContext {
  jobId: string;
  tenantId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the job is cancelled or the worker shuts down. */
  signal: AbortSignal;
  logger: Logger;
  router: ProviderRouter;
  blobs: BlobStore;
}

/** A handler's result before the processor stamps timings on it. */
export interface HandlerOutput<T extends JobType> {
  result: Omit<JobResultOf<T>, 'timings'>;
  /** Time spent in the provider call that succeeded. */
  providerMs: number;
}

/**
 * One kind of job: its name and its handler. Payload and result schemas live in
 * `@voxq/contracts` because the API validates the same shapes.
 */
export interface JobKind<T extends JobType> {
  type: T;
  handle(payload: JobPayloadOf<T>, ctx: JobContext): Promise<HandlerOutput<T>>;
}
