import { createHash } from 'node:crypto';
import { UsageAllowance, type Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import type { Queue } from 'bullmq';
import {
  type AudioReferenceInput,
  type JobInclude,
  type JobOptions,
  type JobPayload,
  type JobRequest,
  type JobType,
  type JobView,
  type ListJobsQuery,
  type QueuedJob,
  type TranscribeRequestInput,
  jobIncludesOf,
  toolSecretRefs,
} from '@voxq/contracts';
import { errors } from '@voxq/errors';
import {
  HistoryBacklogGate,
  HistoryHandoff,
  IdempotencyStore,
  jobInputKey,
  newJobFields,
  newJobId,
  toJobView,
  JobStore,
  type JobHistory,
} from '@voxq/job-store';
import { enqueue, enqueueMany, publishCancel, QUEUE_CATALOG, type EnqueueRequest, type QueueEntry, type Queues } from '@voxq/queues';
import type { ObjectStore } from '@voxq/storage';
import { undefinedSecretsLookup, type UndefinedSecretsLookup } from '@voxq/tenant-secrets';
import { assertDeliverableUrl } from '@voxq/url-guard';
import { enqueueJobEvent, webhookQueueContext, type WebhookQueueContext } from '@voxq/webhooks';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { resolveAudioSource } from './audio-source';

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

export interface SubmitOptions {
  /**
   * The batch the jobs are lines of: they count in its progress, and queue with `priority`
   * (BullMQ serves every job without a priority first, so interactive work is never stuck
   * behind a batch; lower numbers go first among batch jobs).
   */
  batch?: { id: string; priority: number };
  /**
   * The caller already charged these jobs to the tenant's monthly allowance (a batch charges
   * all its lines at validation), so `submitMany` does not charge them again.
   * @defaultValue false
   */
  charged?: boolean;
  /** The API request submitting them (`X-Request-Id`): the worker's and dispatcher's log lines for the jobs carry it. */
  requestId?: string;
  /**
   * How the request named the job's `input` fields, for the errors that name one: `input.`
   * on `/v1/jobs` (the default), `` on Speko's flat `/v1/complete` body (`tools.0.source.secretRef`).
   * @defaultValue 'input.'
   */
  inputRoot?: string;
}

/**
 * `new`: a job to queue; `reserved` names the Idempotency-Key this request just took for it
 * (given back if the request fails before queueing), `resumed` marks the id of an earlier
 * attempt that died before its record was written (finished under that id, not charged again).
 */
type Slot = { kind: 'new'; id: string; reserved?: { key: string; bodyHash: string }; resumed?: boolean } | { kind: 'replay'; view: JobView };

/** A validated request with any audio decoded: what the routes hand to `submit`. */
export type Submission =
  | Exclude<JobRequest, { type: 'transcribe' }>
  | (JobOptions & { type: 'transcribe'; input: Omit<TranscribeRequestInput, 'audio'> & { audio: InlineAudio | AudioReferenceInput } });

export interface JobServiceDeps {
  config: Config;
  redis: RedisClient;
  store: JobStore;
  /** Where inline audio goes before its job is queued (jobs carry the key). */
  objects: ObjectStore;
  idempotency: IdempotencyStore;
  queues: Queues;
  /** The process's monthly allowance: submissions are charged to it. */
  allowance: UsageAllowance;
  /** The `webhooks` queue and its stores: a cancel queues the job's event there. */
  webhooks: WebhookQueueContext;
  /** Which tenant secrets named by a job's tools are not defined (checked before anything is queued). */
  undefinedSecrets: UndefinedSecretsLookup;
  /** With a history tier: refuses new jobs while too many finished ones wait for it (HISTORY_PENDING_MAX). */
  backlogGate?: HistoryBacklogGate;
}

/**
 * The job queues (one per job type) as one shape: each has one job name, its type's own, carrying a
 * `QueuedJob`. (Their catalog entries' union has no common job name, so `submitMany`, which
 * loops over the types, sees each through this.)
 */
type JobQueueEntry = QueueEntry<Record<string, (typeof QUEUE_CATALOG)['transcribe']['jobs']['transcribe']>>;

/**
 * Submitting, reading and cancelling jobs for one tenant at a time.
 *
 * A submission queues the BullMQ job first and writes the record second: if the process
 * dies in between, the worker creates the record from the job's data, so a queued job always
 * ends with a record. (The other order could leave a record saying "queued" for a job that
 * no queue holds.) An idempotent repeat of an interrupted submission finishes it.
 */
export class JobService {
  private readonly allowance: UsageAllowance;

  constructor(private readonly deps: JobServiceDeps) {
    this.allowance = deps.allowance;
  }

  async submit(principal: Principal, request: Submission, idempotencyKey?: string, options: SubmitOptions = {}): Promise<SubmittedJob> {
    const [submitted] = await this.submitMany(principal, [request], idempotencyKey === undefined ? undefined : [idempotencyKey], options);
    return submitted!;
  }

  /**
   * Submits jobs in one go: one BullMQ `addBulk` per job type and pipelined record writes,
   * so a bulk request costs a fraction of the Redis round trips of separate ones.
   * `idempotencyKeys[i]` guards `requests[i]`.
   */
  async submitMany(principal: Principal, requests: Submission[], idempotencyKeys?: string[], options: SubmitOptions = {}): Promise<SubmittedJob[]> {
    const { tenantId } = principal;
    await this.check(tenantId, requests, options);

    const settled = await Promise.allSettled(requests.map((request, i) => this.reserve(tenantId, request, idempotencyKeys?.[i])));
    const refused = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) {
      // One job of the request reuses a key with another body (409): the keys the others took go back.
      await this.giveBackKeys(
        tenantId,
        settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
      );
      throw refused.reason;
    }
    const slots = settled.map((r) => (r as PromiseFulfilledResult<Slot>).value);
    const fresh = slots.flatMap((slot, i) => (slot.kind === 'new' ? [{ id: slot.id, request: requests[i]!, resumed: slot.resumed === true }] : []));
    // Only new jobs count (an idempotent replay is free, and so is finishing an interrupted
    // attempt, charged the first time), in one atomic step before any audio is stored or job
    // queued: a request the allowance cannot cover is a 402 whole.
    const charge = options.charged ? 0 : fresh.filter((f) => !f.resumed).length;
    await this.allowance.charge(tenantId, charge).catch(async (error: unknown) => {
      // Keys this request took go back, so a corrected repeat may use them.
      await this.giveBackKeys(tenantId, slots);
      throw error;
    });
    const createdAt = new Date().toISOString();
    const queued = await Promise.all(
      fresh.map(async ({ id, request }) => {
        const payload = await this.toPayload(tenantId, id, request);
        const data: QueuedJob = {
          tenantId,
          createdAt,
          payload,
          ...(options.batch ? { batchId: options.batch.id } : {}),
          ...(options.requestId ? { requestId: options.requestId } : {}),
        };
        return { id, data };
      }),
    ).catch(async (error: unknown) => {
      // Nothing is queued yet: the request failed as a whole, so its charge and keys go back.
      await this.allowance.refund(tenantId, charge);
      await this.giveBackKeys(tenantId, slots);
      throw error;
    });
    const opts = (jobId: string) => (options.batch ? { jobId, priority: options.batch.priority } : { jobId });

    // One add (or addBulk) per queue: a job type in one shard (a job's shard comes from its id).
    const groups = new Map<Queue, { type: JobType; requests: Array<EnqueueRequest<JobQueueEntry, string>> }>();
    for (const { id, data } of queued) {
      const type = data.payload.type;
      const queue = this.deps.queues.forJob(type, id);
      let group = groups.get(queue);
      if (!group) groups.set(queue, (group = { type, requests: [] }));
      group.requests.push({ job: type, payload: data, options: opts(id) });
    }
    await Promise.all(
      [...groups].map(([queue, { type, requests }]) => {
        const entry: JobQueueEntry = QUEUE_CATALOG[type];
        // addBulk (enqueueMany) wraps its adds in MULTI, which costs more than a plain add for one job.
        return requests.length === 1 ? enqueue(queue, entry, requests[0]!) : enqueueMany(queue, entry, requests);
      }),
    );
    const views = new Map<string, JobView>();
    await Promise.all(
      queued.map(async ({ id, data }) => {
        const fields = newJobFields(id, data);
        await this.deps.store.create(fields);
        views.set(id, toJobView({ ...fields, status: 'queued', attempts: 0 }));
      }),
    );
    return slots.map((slot) => (slot.kind === 'replay' ? { view: slot.view, replayed: true } : { view: views.get(slot.id)!, replayed: false }));
  }

  /**
   * Admits a synchronous call the api runs itself rather than queues (docs/architecture.md,
   * "Synchronous calls"): checked and charged as a submission is, given its id and its job's
   * data, and nothing written. Its record is written when it ends (`JobStore.recordFinished`);
   * should it be queued after all, `submit` it with `charged: true`.
   */
  async admitInline(
    principal: Principal,
    request: Submission,
    options: Pick<SubmitOptions, 'requestId' | 'inputRoot'> = {},
  ): Promise<{ id: string; data: QueuedJob }> {
    const { tenantId } = principal;
    await this.check(tenantId, [request], options);
    await this.allowance.charge(tenantId, 1);
    const id = newJobId();
    const payload = await this.toPayload(tenantId, id, request).catch(async (error: unknown) => {
      await this.allowance.refund(tenantId, 1);
      throw error;
    });
    return { id, data: { tenantId, createdAt: new Date().toISOString(), payload, ...(options.requestId ? { requestId: options.requestId } : {}) } };
  }

  /** Writes an admitted synchronous call's job as it ended (`JobStore.recordFinished`). */
  recordInline(...args: Parameters<JobStore['recordFinished']>): ReturnType<JobStore['recordFinished']> {
    return this.deps.store.recordFinished(...args);
  }

  /** What every submission must pass before anything is reserved, charged or queued. */
  private async check(tenantId: string, requests: Submission[], options: SubmitOptions): Promise<void> {
    // A batch's lines were admitted with the batch: it runs to its end whatever waits meanwhile.
    if (!options.batch) await this.deps.backlogGate?.admit();
    const inputRoot = options.inputRoot ?? 'input.';
    const urls = new Map(requests.flatMap((r, i) => outboundUrls(r, requests.length > 1 ? `jobs.${i}.` : '', inputRoot)).reverse());
    await Promise.all([...urls].map(([url, param]) => assertDeliverableUrl(url, this.deps.config.webhooks, param)));
    await this.assertSecretsDefined(tenantId, requests, inputRoot);
  }

  /**
   * Every `secretRef` the jobs' tools name must be a secret the tenant has (their values are
   * read when the calls are sent): else a 400 naming the first one, before anything is reserved
   * or queued.
   */
  private async assertSecretsDefined(tenantId: string, requests: Submission[], inputRoot: string): Promise<void> {
    const refs = requests.flatMap((r, i) =>
      r.type === 'complete'
        ? toolSecretRefs(r.input.tools).map((ref) => ({ ...ref, path: `${requests.length > 1 ? `jobs.${i}.` : ''}${inputRoot}${ref.path}` }))
        : [],
    );
    if (refs.length === 0) return;
    const missing = new Set(
      await this.deps.undefinedSecrets(
        tenantId,
        refs.map((ref) => ref.name),
      ),
    );
    const first = refs.find((ref) => missing.has(ref.name));
    if (first) {
      throw errors.invalidRequest(
        `${first.path}: no secret named '${first.name}' is defined for this tenant (POST /v1/secrets creates one); nothing was queued.`,
        first.path,
        'secret_not_found',
      );
    }
  }

  /**
   * Releases the Idempotency-Keys a failed request reserved (never an earlier attempt's).
   * Best effort: the request's own error is what the caller must see, and a key not given
   * back only blocks a corrected repeat until it expires.
   */
  private async giveBackKeys(tenantId: string, slots: Slot[]): Promise<void> {
    await Promise.all(
      slots.map((slot) =>
        slot.kind === 'new' && slot.reserved ? this.deps.idempotency.release(tenantId, slot.reserved.key, slot.id, slot.reserved.bodyHash) : null,
      ),
    ).catch(() => undefined);
  }

  /** A new job id, or the job an earlier request with the same Idempotency-Key made. */
  private async reserve(tenantId: string, request: Submission, idempotencyKey: string | undefined): Promise<Slot> {
    const id = newJobId();
    if (idempotencyKey === undefined) return { kind: 'new', id };
    const bodyHash = hashSubmission(request);
    const reservation = await this.deps.idempotency.reserve(tenantId, idempotencyKey, id, bodyHash);
    if (reservation.kind === 'reserved') return { kind: 'new', id, reserved: { key: idempotencyKey, bodyHash } };
    if (reservation.bodyHash !== bodyHash) {
      throw errors.conflict('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body. Use a new key for a new request.');
    }
    const existing = await this.deps.store.get(tenantId, reservation.jobId);
    // No record: the first submission was interrupted before it finished; finish it under its id.
    return existing ? { kind: 'replay', view: toJobView(existing) } : { kind: 'new', id: reservation.jobId, resumed: true };
  }

  private async toPayload(tenantId: string, jobId: string, request: Submission): Promise<JobPayload> {
    if (request.type !== 'transcribe') return request;
    if (!('data' in request.input.audio))
      return { ...request, input: { ...request.input, audio: await resolveAudioSource(this.deps, tenantId, request.input.audio) } };
    const bytes = request.input.audio;
    if (bytes.data.length > this.deps.config.api.audioLimitBytes) {
      throw errors.payloadTooLarge(`Audio is larger than the limit of ${this.deps.config.api.audioLimitBytes} bytes.`);
    }
    if (bytes.data.length === 0) throw errors.invalidRequest('The audio is empty.', 'input.audio');
    // Audio never sits in Redis: it goes to S3 under the tenant, keyed by the job (an
    // idempotent repeat of an interrupted submission rewrites the same object).
    const key = jobInputKey(tenantId, jobId);
    await this.deps.objects.putBuffer(key, bytes.data, { contentType: bytes.contentType, metadata: { 'job-id': jobId } });
    return { ...request, input: { ...request.input, audio: { key, contentType: bytes.contentType, bytes: bytes.data.length } } };
  }

  /** The tenant's job; `include: ['input']` adds its input (from Redis, or from the history tier's column). */
  async get(principal: Principal, id: string, { include = [] }: { include?: readonly JobInclude[] } = {}): Promise<JobView> {
    const input = include.includes('input');
    const record = await this.deps.store.get(principal.tenantId, id, { input });
    if (!record) throw errors.notFound('job', id);
    return toJobView(record, { input });
  }

  /**
   * Marks a job watched, so that its live events and final status are published (a job nobody
   * watches publishes nothing). Call it with the subscription and before reading the job:
   * whatever ends the job after both is heard, and whatever ended it before is read. Only
   * after `get` has found the principal's job: it reveals nothing and changes no answer.
   */
  async watch(id: string): Promise<void> {
    await this.deps.store.watch(id);
  }

  async list(principal: Principal, query: ListJobsQuery) {
    const input = jobIncludesOf(query.include).includes('input');
    const page = await this.deps.store.list(principal.tenantId, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.cursor ? { after: query.cursor } : {}),
      ...(input ? { input } : {}),
    });
    const data = page.jobs.map((record) => toJobView(record, { input }));
    return { object: 'list' as const, data, nextCursor: page.nextCursor, hasMore: page.nextCursor !== null };
  }

  /** Cancels a queued or running job; a finished one cannot be cancelled (409). */
  async cancel(principal: Principal, id: string): Promise<JobView> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) throw errors.notFound('job', id);
    const notCancellable = (status: string) => errors.conflict('job_not_cancellable', `Job ${id} is already ${status} and cannot be cancelled.`);
    // A finished job may be in the history tier only, where no transition reaches it.
    if (record.status !== 'queued' && record.status !== 'active') throw notCancellable(record.status);
    const outcome = await this.deps.store.cancel(record);
    if (outcome.kind === 'missing') throw errors.notFound('job', id);
    if (outcome.kind === 'rejected') throw notCancellable(outcome.current);
    // The event first: if Redis fails us before it is queued, the job is still in its queue
    // (or running), and the worker that meets it cancelled queues the event itself. Queued
    // after the removal, a failure in between would lose it (a repeat DELETE is a 409).
    const view = toJobView(outcome.record);
    await enqueueJobEvent(this.deps.webhooks, principal.tenantId, view);
    const queue = this.deps.queues.forJob(record.type, id);
    if (outcome.previous === 'queued') {
      // Fails harmlessly if a worker has just taken it: the worker then finds it cancelled.
      await queue.remove(id).catch(() => 0);
    } else {
      await publishCancel(this.deps.redis, this.deps.config.redis.prefix, id);
    }
    return view;
  }
}

/** Audio is hashed apart so a repeat's body compares without serialising megabytes. */
function hashSubmission(request: Submission): string {
  if (request.type !== 'transcribe' || !('data' in request.input.audio)) return IdempotencyStore.hashBody(request);
  const { audio } = request.input;
  const audioHash = createHash('sha256').update(audio.data).digest('hex');
  return IdempotencyStore.hashBody({ ...request, input: { ...request.input, audio: { sha256: audioHash, contentType: audio.contentType } } });
}

/** Every URL a job will make voxq call (its webhook, its webhook tools), with its field as the request named it. */
function outboundUrls(request: Submission, at: string, inputRoot: string): Array<[string, string]> {
  const urls: Array<[string, string]> = request.webhook ? [[request.webhook.url, `${at}webhook.url`]] : [];
  if (request.type === 'complete') {
    request.input.tools?.forEach((tool, i) => {
      if (tool.source?.kind === 'webhook') urls.push([tool.source.url, `${at}${inputRoot}tools.${i}.source.url`]);
    });
  }
  return urls;
}

/**
 * A JobService on its own stores over `redis`: one per process (the API's routes, or the
 * worker's drop poller and batch runner), charging `allowance` and queueing events through
 * `webhooks` (each made here when not given: a process's root passes its own).
 */
export function createJobService(
  config: Config,
  redis: RedisClient,
  queues: Queues,
  objects: ObjectStore,
  allowance = new UsageAllowance(redis, config.redis.prefix, config.limits.monthlyJobAllowance),
  webhooks = webhookQueueContext(queues.webhooks, redis, config.redis.prefix, config.jobs.retentionSeconds),
  /** The history tier finished jobs move to (reads fall through to it), when one is configured. */
  history?: JobHistory,
): JobService {
  const shards = KeyShards.for(config.redis);
  return new JobService({
    config,
    redis,
    allowance,
    webhooks,
    store: new JobStore(redis, shards, config.jobs.retentionSeconds, history),
    objects,
    queues,
    idempotency: new IdempotencyStore(redis, shards),
    undefinedSecrets: undefinedSecretsLookup(redis, config.redis.prefix),
    ...(history ? { backlogGate: new HistoryBacklogGate(new HistoryHandoff(redis, shards, config.jobs.hotSeconds), config.jobs.historyPendingMax) } : {}),
  });
}
