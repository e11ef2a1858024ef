import { ApiKeyStore, ApiRateLimiter, UsageAllowance } from '@voxq/auth';
import { batchServiceFor, type BatchService } from '@voxq/batches';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { DropClaims, DropRuleStore } from '@voxq/drops';
import { createJobService, InlineRunner, JobChannels, JobFeed, JobWaiter, uploadServiceFor, type JobService, type UploadService } from '@voxq/intake';
import type { ServingResources } from '@voxq/runtime';
import { secretsKeyringFor, TenantSecretStore } from '@voxq/tenant-secrets';
import { createSpeechTranscoder, ProviderRouter, Semaphore } from '@voxq/providers';
import { RealtimeService } from '@voxq/realtime';
import { UsageMeter, UsageReport } from '@voxq/usage';
import { tenantHasEndpoints, webhookQueueContext, WebhookEndpointStore, type WebhookQueueContext } from '@voxq/webhooks';
import { KeyShards } from '@voxq/redis-keys';

/** What the API's stores and services are built on: its process's resources. */
export type AppResources = Pick<ServingResources, 'redis' | 'queues' | 'objects' | 'providers' | 'connection'> & Partial<Pick<ServingResources, 'history'>>;

/**
 * Every store and service the API's routes use, each built once per process (by
 * `buildAppServices`) and handed to the routes that use it: one cache of API keys, one
 * endpoint store, one subscriber for jobs' channels.
 */
export interface AppServices {
  keys: ApiKeyStore;
  limiter: ApiRateLimiter;
  allowance: UsageAllowance;
  /** What completed jobs used, priced with the current catalog (`GET /v1/usage`). */
  usage: UsageReport;
  jobs: JobService;
  /** The process's one subscriber to jobs' channels (opened when a client first waits). */
  channels: JobChannels;
  waiter: JobWaiter;
  /** Runs synchronous chat calls here, not through the queue (absent: `API_INLINE_MAX=0`). */
  inline: InlineRunner | null;
  /** Streamed jobs' replies as they are made, then the job (the streaming routes). */
  feed: JobFeed;
  /** The `webhooks` queue with the endpoint and delivery stores its fan-out writes. */
  webhooks: WebhookQueueContext;
  uploads: UploadService;
  batches: BatchService;
  dropRules: DropRuleStore;
  dropClaims: DropClaims;
  /** Tenants' secrets for tools (sealed with the process's keyring). */
  secrets: TenantSecretStore;
  /** Realtime sessions this process relays (`GET /v1/realtime`), and their records. */
  realtime: RealtimeService;
}

export function buildAppServices(config: Config, resources: AppResources, logger: Logger): AppServices {
  const { redis, queues, objects } = resources;
  // Without SECRETS_ENCRYPTION_KEY in production this throws (a ConfigError): the API does not start.
  const { keyring } = secretsKeyringFor(config);
  const { prefix } = config.redis;
  const allowance = new UsageAllowance(redis, prefix, config.limits.monthlyJobAllowance);
  const endpoints = new WebhookEndpointStore(redis, prefix);
  const webhooks = webhookQueueContext(queues.webhooks, redis, prefix, config.jobs.retentionSeconds, endpoints, { history: resources.history?.store });
  const jobs = createJobService(config, redis, queues, objects, allowance, webhooks, resources.history?.store);
  // A subscribed client can run nothing else: the channels get a connection of their own.
  const channels = new JobChannels(() => resources.connection('subscriber'));
  const waiter = new JobWaiter(config, jobs, channels);
  // The API calls providers itself for two things, routed as a worker's calls are: opening
  // realtime sessions, and the synchronous chat calls it runs inline.
  const router = new ProviderRouter({
    runtime: resources.providers,
    redis,
    prefix,
    timeoutMs: config.providers.timeoutMs,
    attemptDeadlineMs: config.providers.attemptDeadlineMs,
    maxCandidates: config.providers.maxCandidates,
    logger,
    toHistory: resources.history != null,
  });
  const inline =
    config.api.inlineMax > 0
      ? new InlineRunner({
          jobs,
          meter: new UsageMeter(KeyShards.for(config.redis)),
          router,
          storage: {
            objects,
            audioLimitBytes: config.api.audioLimitBytes,
            presignTtlSeconds: config.s3.presignTtlSeconds,
            transcoder: createSpeechTranscoder({ limiter: new Semaphore(config.worker.localEngineConcurrency) }),
          },
          webhooks,
          hasEndpoints: (tenantId) => tenantHasEndpoints(endpoints, tenantId),
          logger,
          max: config.api.inlineMax,
        })
      : null;
  return {
    keys: new ApiKeyStore(redis, prefix),
    limiter: new ApiRateLimiter(redis, prefix, config.limits.rateLimit),
    allowance,
    // Priced when read, from the profiles configured now: a provider no longer configured has no price.
    usage: new UsageReport(redis, KeyShards.for(config.redis), (capability, name) => resources.providers.registry.get(capability, name)?.profile?.costPerUnit),
    jobs,
    channels,
    waiter,
    inline,
    feed: new JobFeed(redis, KeyShards.for(config.redis), channels, waiter),
    webhooks,
    uploads: uploadServiceFor({ config, redis, objects }),
    batches: batchServiceFor({ config, redis, objects, queues, history: resources.history?.store }),
    dropRules: new DropRuleStore(redis, prefix),
    dropClaims: new DropClaims(redis, prefix, config.jobs.retentionSeconds),
    secrets: new TenantSecretStore(redis, prefix, keyring),
    realtime: new RealtimeService({ config, logger, redis, providers: resources.providers, router, webhooks }),
  };
}
