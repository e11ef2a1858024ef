import { ApiKeyStore } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { ReplyStreamWriter } from '@voxq/job-stream';
import type { Logger } from '@voxq/logging';
import { openProcessResources, type ProcessResources } from '@voxq/runtime';
import { secretsKeyringFor, TenantSecretStore } from '@voxq/tenant-secrets';
import { startDispatcher, WebhookEndpointStore } from '@voxq/webhooks';
import { startToolWorker } from './tool-worker';
import { KeyShards } from '@voxq/redis-keys';

export interface DispatcherProcess {
  readonly resources: ProcessResources;
  /** Both workers stop taking work and drain (until `deadline`), then the resources close. */
  close(deadline?: AbortSignal): Promise<void>;
}

/**
 * The dispatcher app's composition root: one set of process resources (command connection
 * and queues; no object store, no providers), one API key store (tenants' signing secrets),
 * one endpoint store and the tenants' tool secrets, handed to the webhook dispatcher and the tool-call worker. The
 * app and the test stack both start the dispatcher through this.
 */
export async function startDispatcherProcess(config: Config, logger: Logger): Promise<DispatcherProcess> {
  // First: without a key in production this refuses to start, before anything is opened.
  const { keyring } = secretsKeyringFor(config);
  const resources = openProcessResources(config, logger, 'dispatcher');
  const keys = new ApiKeyStore(resources.redis, config.redis.prefix);
  const secretFor = (tenantId: string) => keys.webhookSecret(tenantId);
  const endpoints = new WebhookEndpointStore(resources.redis, config.redis.prefix);
  const dispatcher = await startDispatcher({ resources, config, logger, secretFor, endpoints }).catch(async (error: unknown) => {
    await resources.close();
    throw error;
  });
  const streams = new ReplyStreamWriter(resources.redis, KeyShards.for(config.redis), config.streams, logger);
  const secrets = new TenantSecretStore(resources.redis, config.redis.prefix, keyring);
  const tools = startToolWorker({ resources, config, logger, secretFor, secrets, streams });
  return {
    resources,
    async close(deadline) {
      await Promise.all([dispatcher.close(deadline), tools.close(deadline)]);
      await resources.close();
    },
  };
}
