import type { Config } from '@voxq/config';
import type { JobService } from '@voxq/intake';
import type { Logger } from '@voxq/logging';
import type { ServingResources } from '@voxq/runtime';
import { DropClaims } from './drop-claims';
import { DropIntake } from './drop-intake';
import { DropPoller } from './drop-poller';
import { DropRuleStore } from './drop-rule-store';

export interface DropPollerRuntime {
  /** One pass over every rule now (tests; the timer keeps running). */
  poll(): Promise<void>;
  /** Stops the timer and waits for a pass in flight; the shared resources stay open (their owner closes them). */
  close(): Promise<void>;
}

/** What the poller takes from its process: the command connection, the object store and its JobService. */
export interface DropPollerResources extends Pick<ServingResources, 'redis' | 'objects'> {
  /** The process's JobService: a dropped object is submitted as `POST /v1/jobs` submits (validation, idempotency, queueing in one place). */
  jobs: JobService;
}

/**
 * The bucket-drop poller on its process's shared resources. The worker app runs it when
 * `DROP_POLL_INTERVAL_MS` is above 0.
 */
export function startDropPoller(resources: DropPollerResources, config: Config, logger: Logger, options: { intervalMs?: number } = {}): DropPollerRuntime {
  const { redis, objects, jobs } = resources;
  const log = logger.child({ component: 'drop-poller' });
  const intake = new DropIntake({
    objects,
    claims: new DropClaims(redis, config.redis.prefix, config.jobs.retentionSeconds),
    submit: async (tenantId, request, idempotencyKey) => (await jobs.submit({ tenantId, keyId: 'drop-rule' }, request, idempotencyKey)).view,
    logger: log,
  });
  const intervalMs = options.intervalMs ?? config.drops.pollIntervalMs;
  const poller = new DropPoller({ rules: new DropRuleStore(redis, config.redis.prefix), intake, objects, logger: log, intervalMs }).start();
  log.info({ intervalMs }, 'drop poller started');
  return {
    poll: () => poller.poll(),
    close: () => poller.close(),
  };
}
