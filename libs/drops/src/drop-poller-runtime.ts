import type { Config } from '@voxq/config';
import { createJobService } from '@voxq/intake';
import type { Logger } from '@voxq/logging';
import { createCommandConnection, Queues } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { DropClaims } from './drop-claims';
import { DropIntake } from './drop-intake';
import { DropPoller } from './drop-poller';
import { DropRuleStore } from './drop-rule-store';

export interface DropPollerRuntime {
  /** One pass over every rule now (tests; the timer keeps running). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bucket-drop poller with its own connections: it submits through the same JobService
 * as `POST /v1/jobs` (validation, idempotency, queueing in one place). The worker app runs it
 * when `DROP_POLL_INTERVAL_MS` is above 0.
 */
export function startDropPoller(config: Config, logger: Logger, options: { intervalMs?: number } = {}): DropPollerRuntime {
  const redis = createCommandConnection(config.redis.url);
  const queues = new Queues(redis, config);
  const objects = createObjectStore(config);
  const jobs = createJobService(config, redis, queues, objects);
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
    async close() {
      await poller.close();
      await queues.close();
      redis.disconnect();
      objects.close();
    },
  };
}
