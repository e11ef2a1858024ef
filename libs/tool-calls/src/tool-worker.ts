import type { Config } from '@voxq/config';
import type { ReplyStreamWriter } from '@voxq/job-stream';
import type { Logger } from '@voxq/logging';
import { drainWorker, logQueueError } from '@voxq/process';
import { bullPrefix, QUEUE_CATALOG, startQueueWorker } from '@voxq/queues';
import type { ProcessResources } from '@voxq/runtime';
import { createToolCallProcessor } from './tool-call-processor';
import type { SecretLookup, ToolSecrets } from './tool-request-headers';

/**
 * The dispatcher's worker for webhook-mode tool calls; parallel calls run concurrently.
 * `close` lets calls in flight finish until `deadline`; one still running then is left to
 * BullMQ's stalled-job check, which queues it again.
 */
export function startToolWorker(options: {
  /** A named connection for the Worker (closed with the process's resources, after this). */
  resources: Pick<ProcessResources, 'connection'>;
  config: Config;
  logger: Logger;
  secretFor: SecretLookup;
  /** Where a streamed `complete` job's readers learn that a call answered. */
  streams: ReplyStreamWriter;
  /** The tenants' secrets that tools' `secretRef`s name. */
  secrets: ToolSecrets;
}): { close(deadline?: AbortSignal): Promise<void> } {
  const { config, logger, streams } = options;
  const callTool = createToolCallProcessor(options);
  const worker = startQueueWorker(
    QUEUE_CATALOG.tools,
    {
      connection: options.resources.connection('bull:tools'),
      prefix: bullPrefix(config.redis.prefix),
      concurrency: config.webhooks.concurrency,
      onInvalid: (job, error) => logger.error({ toolCallJobId: job.id, reason: error.detail }, 'tool call job data invalid: failed unread'),
    },
    async (job) => {
      const answer = await callTool(job);
      const { jobId, toolCallId, name, hop, stream } = job.data;
      if (stream) await streams.forJob(jobId).tool({ id: toolCallId, name, hop, status: answer.isError ? 'failed' : 'completed' });
      return answer;
    },
  );
  worker.on('error', logQueueError(logger, 'tool worker error'));
  return { close: async (deadline) => void (await drainWorker(worker, deadline)) };
}
