import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import type { JobOptions, JobPayload, JobRequest, JobView, ListJobsQuery, QueuedJob } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { IdempotencyStore, newJobFields, newJobId, toJobView, type BlobStore, type JobStore } from '@voxq/job-store';
import { publishCancel, type Queues } from '@voxq/queues';
import { assertDeliverableUrl, enqueueJobEvent } from '@voxq/webhooks';
import type { Redis } from 'ioredis';

export interface SubmittedJob {
  view: JobView;
  /** True when an `Idempotency-Key` repeat returned the job it first created. */
  replayed: boolean;
}

/** Audio that arrived with the request (binary body or decoded base64), stored before queueing. */
export interface InlineAudio {
  data: Buffer;
  contentType: string;
}

/** A validated request with any audio decoded: what the routes hand to `submit`. */
export type Submission =
  | Exclude<JobRequest, { type: 'transcribe' }>
  | (JobOptions & { type: 'transcribe'; input: { audio: InlineAudio } });

export interface JobServiceDeps {
  config: Config;
  redis: Redis;
  store: JobStore;
  blobs: BlobStore;
  idempotency: IdempotencyStore;
  queues: Queues;
}

/**
 * Submitting, reading and cancelling jobs for one tenant at a time.
 *
 * A submission queues the BullMQ job first and writes the record second: if the process
 * dies in between, the worker creates the record from the job's data, so a queued job always
 * ends with a record. (The other order could leave a record saying "queued" for a job that
 * no queue holds.) An idempotent repeat of an interrupted submission finishes it.
 */
export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  async submit(principal: Principal, request: Submission, idempotencyKey?: string): Promise<SubmittedJob> {
    const { tenantId } = principal;
    if (request.webhook) await assertDeliverableUrl(request.webhook.url, this.deps.config.webhooks, 'webhook.url');

    let id = newJobId();
    if (idempotencyKey !== undefined) {
      const bodyHash = hashSubmission(request);
      const reservation = await this.deps.idempotency.reserve(tenantId, idempotencyKey, id, bodyHash);
      if (reservation.kind === 'existing') {
        if (reservation.bodyHash !== bodyHash) {
          throw errors.conflict(
            'idempotency_key_reused',
            'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
          );
        }
        const existing = await this.deps.store.get(tenantId, reservation.jobId);
        if (existing) return { view: toJobView(existing), replayed: true };
        id = reservation.jobId; // The first submission was interrupted: finish it under its id.
      }
    }

    const payload = await this.toPayload(tenantId, request);
    const createdAt = new Date().toISOString();
    const data: QueuedJob = { tenantId, createdAt, payload };
    await this.deps.queues.jobs[payload.type].add(payload.type, data, { jobId: id });
    const fields = newJobFields(id, data);
    await this.deps.store.create(fields);
    return {
      view: toJobView({ ...fields, status: 'queued', attempts: 0 }),
      replayed: false,
    };
  }

  private async toPayload(tenantId: string, request: Submission): Promise<JobPayload> {
    if (request.type !== 'transcribe') return request;
    const bytes = request.input.audio;
    if (bytes.data.length > this.deps.config.api.audioLimitBytes) {
      throw errors.payloadTooLarge(`Audio is larger than the limit of ${this.deps.config.api.audioLimitBytes} bytes.`);
    }
    if (bytes.data.length === 0) throw errors.invalidRequest('The audio is empty.', 'input.audio');
    const blobId = await this.deps.blobs.put(tenantId, bytes.data, bytes.contentType);
    return { ...request, input: { audio: { blobId, contentType: bytes.contentType, bytes: bytes.data.length } } };
  }

  async get(principal: Principal, id: string): Promise<JobView> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) throw errors.notFound('job', id);
    return toJobView(record);
  }

  async list(principal: Principal, query: ListJobsQuery) {
    const page = await this.deps.store.list(principal.tenantId, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    return { object: 'list' as const, data: page.jobs.map(toJobView), nextCursor: page.nextCursor, hasMore: page.nextCursor !== null };
  }

  /** Cancels a queued or running job; a finished one cannot be cancelled (409). */
  async cancel(principal: Principal, id: string): Promise<JobView> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) throw errors.notFound('job', id);
    const outcome = await this.deps.store.cancel(record);
    if (outcome.kind === 'missing') throw errors.notFound('job', id);
    if (outcome.kind === 'rejected') {
      throw errors.conflict('job_not_cancellable', `Job ${id} is already ${outcome.current} and cannot be cancelled.`);
    }
    const queue: Queue = this.deps.queues.jobs[record.type];
    if (outcome.previous === 'queued') {
      // Fails harmlessly if a worker has just taken it: the worker then finds it cancelled.
      await queue.remove(id).catch(() => 0);
    } else {
      await publishCancel(this.deps.redis, this.deps.config.redis.prefix, id);
    }
    const view = toJobView(outcome.record);
    await enqueueJobEvent(this.deps.queues.webhooks, principal.tenantId, view);
    return view;
  }
}

/** Audio is hashed apart so a repeat's body compares without serialising megabytes. */
function hashSubmission(request: Submission): string {
  if (request.type !== 'transcribe') return IdempotencyStore.hashBody(request);
  const { audio } = request.input;
  const audioHash = createHash('sha256').update(audio.data).digest('hex');
  return IdempotencyStore.hashBody({ ...request, input: { audio: { sha256: audioHash, contentType: audio.contentType } } });
}
