import type { Config } from '@voxq/config';
import type { ReplyStreamWriter } from '@voxq/job-stream';
import type { Logger } from '@voxq/logging';
import { drainWorker, logQueueError } from '@voxq/process';
import { QUEUE_CATALOG, shardConcurrency, startQueueWorker } from '@voxq/queues';
import { KeyShards } from '@voxq/redis-keys';
import type { ProcessResources } from '@voxq/runtime';
import { createToolCallProcessor } from './tool-call-processor';
import type { SecretLookup, ToolSecrets } from './tool-request-headers';

/**
 * The dispatcher's workers for webhook-mode tool calls, one per shard (a call is queued in
 * its job's shard); parallel calls run concurrently.
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
  const shards = KeyShards.for(config.redis);
  const connection = options.resources.connection('bull:tools');
  const start = (shard: number) => {
    const worker = startQueueWorker(
      QUEUE_CATALOG.tools,
      {
        connection,
        prefix: shards.keysOf(shard).bull.prefix(),
        concurrency: shardConcurrency(config.webhooks.concurrency, shards.count),
        onInvalid: (job, error) => logger.error({ toolCallJobId: job.id, reason: error.detail }, 'tool call job data invalid: failed unread'),
      },
      async (job) => {
        const answer = await callTool(job);
        const { jobId, toolCallId, name, hop, stream } = job.data;
        if (stream) await streams.forJob(jobId).tool({ id: toolCallId, name, hop, status: answer.isError ? 'failed' : 'completed' });
        return answer;
      },
    );
    worker.on('error', logQueueError(logger, 'tool worker error', shards.count > 1 ? { shard } : {}));
    return worker;
  };
  const workers = shards.all().map(start);
  return { close: async (deadline) => void (await Promise.all(workers.map((worker) => drainWorker(worker, deadline)))) };
}
