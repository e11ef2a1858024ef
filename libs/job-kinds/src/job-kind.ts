import type { ChatToolCall, JobPayloadOf, JobResultOf, JobType, WebhookToolSource } from '@voxq/contracts';
import type { JobDeltas } from '@voxq/job-stream';
import type { Logger } from '@voxq/logging';
import type { ProviderAttempt, ProviderRouter, RouteOptions, SpeechTranscoder } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import type { ToolLoopState } from './tool-loop';

/** The object store, the limits handlers apply to what they read and hand out, and the audio converter. */
export interface JobStorage {
  objects: ObjectStore;
  /** Largest input audio a handler reads into memory (`API_AUDIO_LIMIT_BYTES`). */
  audioLimitBytes: number;
  /** Lifetime of the presigned URLs results carry (`S3_PRESIGN_TTL_SECONDS`). */
  presignTtlSeconds: number;
  /** Converts speech a provider made to the format the job asked for (ffmpeg). */
  transcoder: SpeechTranscoder;
}

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
  /** Where job audio lives: jobs carry object keys, never bytes. */
  storage: JobStorage;
  /** A `complete` job's tool loop, when it resumes after its tool calls answered. */
  toolLoop?: ToolLoopState;
  /** Told of each provider call as it ends (published as the job's live events). */
  onProviderAttempt?: (attempt: ProviderAttempt) => void;
  /** Where a streamed job's replies go as they are made; absent: the job is not streamed. */
  deltas?: JobDeltas;
}

/** The router options every kind passes: the job's signal, logger, tenant and attempt listener. */
export function routeOptions(ctx: JobContext): RouteOptions {
  return { signal: ctx.signal, logger: ctx.logger, tenantId: ctx.tenantId, ...(ctx.onProviderAttempt ? { onAttempt: ctx.onProviderAttempt } : {}) };
}

/** A handler's result before the processor stamps timings on it. */
export interface HandlerOutput<T extends JobType> {
  result: Omit<JobResultOf<T>, 'timings'>;
  /** Time spent in the provider call that succeeded. */
  providerMs: number;
}

/**
 * A handler that must wait for webhook tool calls: the processor saves `state`, sends the
 * calls to the dispatcher, and calls the handler again (with `ctx.toolLoop`) once the calls
 * it waits for have answered. The job holds no worker meanwhile.
 */
export interface Suspension {
  state: ToolLoopState;
  /** `wait`: the job resumes when this call answers; otherwise it is sent in the background. */
  calls: Array<{ call: ChatToolCall; source: WebhookToolSource; wait: boolean }>;
}

/**
 * One kind of job: its name and its handler. Payload and result schemas live in
 * `@voxq/contracts` because the API validates the same shapes.
 */
export interface JobKind<T extends JobType> {
  type: T;
  handle(payload: JobPayloadOf<T>, ctx: JobContext): Promise<HandlerOutput<T> | { suspend: Suspension }>;
}
