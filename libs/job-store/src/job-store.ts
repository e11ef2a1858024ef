import type { RedisClient } from '@voxq/redis-keys';
import type { JobStatus, JobType, JobView } from '@voxq/contracts';
import { errors, type SerializedError } from '@voxq/errors';
import { Coalescer, defineScripts, type KeyShards } from '@voxq/redis-keys';
import { fieldsToObject, mergeIndexPages, pairsToObject, readIndexPage } from './index-page';
import { fromJobView, jobRecordSchema, RECORD_FIELDS_WITHOUT_INPUT, toHashFields, type JobRecord, type NewJobFields } from './job-record';
import createLua from './scripts/job-create.lua';
import startLua from './scripts/job-start.lua';
import transitionLua from './scripts/job-transition.lua';
import watchLua from './scripts/job-watch.lua';
import completeManyLua from './scripts/job-complete-many.lua';
import recordFinishedLua from './scripts/job-record-finished.lua';

const FINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * The history tier as the job store reads it (`libs/history`'s HistoryStore, Postgres):
 * finished records are moved there (`HistoryHandoff`), and read from there once Redis no
 * longer holds them. It keeps a job's view, its tenant and its input (read only when asked:
 * the view then carries `input`, null when none was kept).
 */
export interface JobHistory {
  /** A tenant's finished job, or null (none, or another tenant's). */
  getJob(tenantId: string, id: string, options?: { input?: boolean }): Promise<JobView | null>;
  /** A tenant's finished jobs, newest first, with the same exclusive cursor as `JobStore.list`. */
  listJobs(tenantId: string, options: ListOptions): Promise<{ items: JobView[]; nextCursor: string | null }>;
}

/** `watched`: someone listens to the job's live events (its `started` was published then). */
export type StartOutcome = { kind: 'started'; attempt: number; watched: boolean } | { kind: 'terminal'; status: JobStatus };
/** On success, `record` is the record as it now is, when the caller asked for it. */
export type TransitionOutcome<R extends JobRecord | null = JobRecord | null> =
  { kind: 'ok'; previous: JobStatus; record: R } | { kind: 'rejected'; current: JobStatus } | { kind: 'missing' };

/**
 * A transition script's answer (`job-transition.lua`, and each of `job-complete-many.lua`'s):
 * `ok` with the previous status and the record's fields when asked for, `rejected` with the
 * status that refused it, or `missing`.
 */
function transitionOutcome([kind, value, ...pairs]: string[], returnRecord: boolean): TransitionOutcome {
  if (kind === 'ok') return { kind, previous: value as JobStatus, record: returnRecord ? jobRecordSchema.parse(pairsToObject(pairs)) : null };
  if (kind === 'rejected') return { kind, current: value as JobStatus };
  return { kind: 'missing' };
}

export interface ListOptions {
  status?: JobStatus;
  type?: JobType;
  limit: number;
  /** Exclusive: the last id of the previous page. */
  after?: string;
  /** Read the records' inputs too (`include=input`); without it they are left in Redis and Postgres. */
  input?: boolean;
}

/** The job record scripts (scripts/*.lua), each one atomic status change. */
interface JobScripts {
  voxqJobCreate(...args: (string | number)[]): Promise<number[]>;
  voxqJobStart(...args: (string | number)[]): Promise<[string, string?, string?]>;
  voxqJobTransition(...args: (string | number)[]): Promise<string[]>;
  voxqJobWatch(record: string): Promise<number>;
  voxqJobCompleteMany(...args: (string | number)[]): Promise<string[][]>;
  voxqJobRecordFinished(...args: (string | number)[]): Promise<number>;
}

/** A completion waiting for its batch (`JobStore.complete`). */
interface Completion {
  job: JobRef;
  returnRecord: boolean;
  counters: CounterIncrements | null;
  /** The record's field/value pairs to set. */
  fields: string[];
  finishedAt: number;
  /** Live-event messages to publish before the final status, when the job is watched. */
  events: string[];
}

/**
 * Job records: what clients see of a job (status, result, error), kept apart from BullMQ's
 * own job so that retention, listing and tenant isolation are ours to define. Records of
 * finished jobs expire after the retention period; index entries pointing at expired
 * records are dropped when a listing meets them.
 */
export class JobStore {
  private readonly redis: RedisClient & JobScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly retentionSeconds: number,
    /** The history tier finished records move to (Postgres); without it they expire after `retentionSeconds`. */
    private readonly history?: JobHistory,
  ) {
    this.redis = defineScripts<JobScripts>(redis, {
      voxqJobCreate: { lua: createLua },
      voxqJobStart: { keys: 3, lua: startLua },
      voxqJobWatch: { keys: 1, lua: watchLua },
      voxqJobCompleteMany: { lua: completeManyLua },
      voxqJobRecordFinished: { lua: recordFinishedLua },
      // The key count travels with each call (the first argument), so one script serves any number.
      voxqJobTransition: { lua: transitionLua },
    });
  }

  /** The API's new records, sent a shard's worth at a time (`job-create.lua`). */
  private readonly creations = new Coalescer<number, NewJobFields, boolean>((shard, batch) => this.createMany(shard, batch), 100);
  /** A worker's completions, sent a shard's worth at a time (`job-complete-many.lua`). */
  private readonly completions = new Coalescer<number, Completion, TransitionOutcome>((shard, batch) => this.completeMany(shard, batch));

  // A job's record and the index entries it writes with it are in its shard (one slot: one script).
  private recordKey = (id: string) => this.shards.keysFor(id).jobs.record(id);
  private indexKey = (tenantId: string, id: string) => this.shards.keysFor(id).indexes.tenantJobs(tenantId);
  private typeKey = (tenantId: string, type: JobType, id: string) => this.shards.keysFor(id).indexes.jobsByType(tenantId, type);

  /** Writes a queued job's record unless a worker already has (it may start first). */
  async create(fields: NewJobFields): Promise<boolean> {
    return this.creations.add(this.shards.ofId(fields.id), fields);
  }

  /** Creates a shard's batch of records in one script; whether each was created, in order. */
  private async createMany(shard: number, batch: NewJobFields[]): Promise<boolean[]> {
    const keys = this.shards.keysOf(shard);
    const indexes: string[] = [];
    // An index's 1-based position among the call's keys after the records, each named once.
    const positionOf = (index: string) => {
      const at = indexes.indexOf(index);
      return at >= 0 ? at + 1 : indexes.push(index);
    };
    const perJob: Array<string | number> = [];
    for (const fields of batch) {
      const pairs = toHashFields(fields);
      const { id, tenantId, type } = fields;
      perJob.push(id, positionOf(keys.indexes.tenantJobs(tenantId)), positionOf(keys.indexes.jobsByType(tenantId, type)), pairs.length / 2, ...pairs);
    }
    const callKeys = [...batch.map(({ id }) => keys.jobs.record(id)), ...indexes];
    const created = await this.redis.voxqJobCreate(callKeys.length, ...callKeys, batch.length, ...perJob);
    return created.map((c) => c === 1);
  }

  /**
   * Marks a job watched: from now on its live events and final status are published (unwatched,
   * they are not: nobody would hear them). Call it once subscribed and before reading the
   * record, so nothing is missed in between. False when Redis holds no record of it.
   */
  async watch(id: string): Promise<boolean> {
    return (await this.redis.voxqJobWatch(this.recordKey(id))) === 1;
  }

  /**
   * Marks an attempt started; creates the record from the payload if the API has not.
   * `countAttempt: false` for a job resuming the same attempt (back from its tool calls).
   */
  async start(fields: NewJobFields, { countAttempt = true } = {}, now = new Date()): Promise<StartOutcome> {
    const { tenantId, id, type } = fields;
    const keys = [this.recordKey(id), this.indexKey(tenantId, id), this.typeKey(tenantId, type, id)];
    const channel = this.shards.keysFor(id).channels.jobEvents(id);
    // The record almost always exists: send its fields only when it turns out not to.
    const count = countAttempt ? 1 : 0;
    let [kind, value, watched] = await this.redis.voxqJobStart(...keys, id, now.toISOString(), count, channel);
    if (kind === 'missing' && this.history) {
      // No record in Redis: not written yet, or finished and moved to history (a re-run of a
      // job whose worker died after finishing it). The second must not start again; a history
      // tier that cannot answer throws, and the job is retried rather than run twice.
      const moved = await this.history.getJob(tenantId, id);
      if (moved) return { kind: 'terminal', status: moved.status };
    }
    if (kind === 'missing') [kind, value, watched] = await this.redis.voxqJobStart(...keys, id, now.toISOString(), count, channel, ...toHashFields(fields));
    return kind === 'started' ? { kind, attempt: Number(value), watched: watched === '1' } : { kind: 'terminal', status: value as JobStatus };
  }

  /**
   * Stores an active job's result. `returnRecord` asks for the finished record back (to
   * build its webhook event): sending it costs Redis and the worker time on every job.
   * `counters` are added in the same step (the job's usage): only by the call that completes
   * the job, so a job is counted exactly once whatever re-runs follow.
   */
  async complete(
    job: JobRef,
    result: unknown,
    {
      returnRecord = true,
      counters,
      events = [],
    }: {
      returnRecord?: boolean;
      counters?: CounterIncrements | null;
      /** Live-event messages to send before its final status, if someone watches (`JobLifecycle.takeHeld`); not for a batch's job. */
      events?: string[];
    } = {},
    now = new Date(),
  ): Promise<TransitionOutcome> {
    const fields = ['result', JSON.stringify(result), 'finishedAt', now.toISOString()];
    // A batch's job also counts in its batch's progress: that one goes alone.
    if (job.batchId) {
      if (events.length > 0) throw new Error("JobStore.complete: a batch's job sends its events before it completes");
      return this.transition(job, 'completed', ['active'], returnRecord, fields, counters);
    }
    return this.completions.add(this.shards.ofId(job.id), { job, returnRecord, counters: counters ?? null, fields, finishedAt: Date.now(), events });
  }

  /** Completes a shard's batch of active jobs in one script; one outcome per job, in order. */
  private async completeMany(shard: number, batch: Completion[]): Promise<TransitionOutcome[]> {
    const keys = this.shards.keysOf(shard);
    const counterKeys: string[] = [];
    const counterExpiries: number[] = [];
    const perJob: Array<string | number> = [];
    for (const { job, returnRecord, counters, fields, events } of batch) {
      const increments = counters?.increments ?? [];
      // The job's counter hash as a 1-based index into the batch's (0: none), each named once.
      let counter = 0;
      if (counters && increments.length > 0) {
        counter = counterKeys.indexOf(counters.key) + 1;
        if (counter === 0) {
          counterKeys.push(counters.key);
          counterExpiries.push(counters.expireAt);
          counter = counterKeys.length;
        }
      }
      perJob.push(
        job.id,
        returnRecord ? 1 : 0,
        counter,
        counter ? increments.length : 0,
        ...(counter ? increments.flat() : []),
        fields.length / 2,
        ...fields,
        events.length,
        ...events,
      );
    }
    const toHistory = this.history !== undefined;
    // Finished records wait for the mover with no expiry when a history tier takes them.
    const callKeys = [...batch.map(({ job }) => keys.jobs.record(job.id)), ...counterKeys, ...(toHistory ? [keys.history.pending()] : [])];
    const finishedAt = toHistory ? Math.max(...batch.map((c) => c.finishedAt)) : 0;
    const replies = await this.redis.voxqJobCompleteMany(
      callKeys.length,
      ...callKeys,
      batch.length,
      counterKeys.length,
      toHistory ? 0 : this.retentionSeconds,
      finishedAt,
      ...counterExpiries,
      ...perJob,
    );
    return replies.map((reply, k) => transitionOutcome(reply, batch[k]!.returnRecord));
  }

  /**
   * Writes a job that ran outside the queues (a synchronous call the api ran itself) as it
   * ended: created finished, with its index entries, its expiry (or its wait for the history
   * tier) and its usage, in one step. Its id was never given out before, so nobody watches
   * it. The record as written; throws if one of that id exists (ids are random: a bug).
   */
  async recordFinished(
    fields: NewJobFields,
    end: { status: 'completed'; result: unknown } | { status: 'failed' | 'cancelled'; error: SerializedError },
    { startedAt, finishedAt, counters }: { startedAt: Date; finishedAt: Date; counters?: CounterIncrements | null },
  ): Promise<JobRecord> {
    const { id, tenantId, type } = fields;
    const keys = this.shards.keysFor(id);
    const increments = counters?.increments ?? [];
    const toHistory = this.history !== undefined;
    const outcome = end.status === 'completed' ? ['result', JSON.stringify(end.result)] : ['error', JSON.stringify(end.error)];
    const record = [
      ...toHashFields(fields),
      'status',
      end.status,
      'attempts',
      1,
      'startedAt',
      startedAt.toISOString(),
      'finishedAt',
      finishedAt.toISOString(),
      ...outcome,
    ];
    const callKeys = [
      keys.jobs.record(id),
      keys.indexes.tenantJobs(tenantId),
      keys.indexes.jobsByType(tenantId, type),
      ...(increments.length > 0 ? [counters!.key] : []),
      ...(toHistory ? [keys.history.pending()] : []),
    ];
    const written = await this.redis.voxqJobRecordFinished(
      callKeys.length,
      ...callKeys,
      id,
      toHistory ? 0 : this.retentionSeconds,
      toHistory ? finishedAt.getTime() : 0,
      increments.length > 0 ? counters!.expireAt : 0,
      increments.length,
      ...increments.flat(),
      ...record,
    );
    if (written !== 1) throw new Error(`JobStore.recordFinished: job ${id} has a record already`);
    // As the transitions return it, without its input (webhooks and answers are built from
    // it); built from what was written rather than parsed back: each call would pay for it.
    const { input: _input, ...kept } = fields;
    const ended = end.status === 'completed' ? { result: end.result as Record<string, unknown> } : { error: end.error };
    return { ...kept, status: end.status, attempts: 1, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), ...ended };
  }

  /** An active job that went back to wait in the queue (its providers are busy). */
  async requeue(job: JobRef): Promise<TransitionOutcome> {
    return this.transition(job, 'queued', ['active'], false, []);
  }

  async fail(job: JobRef, error: SerializedError, { returnRecord = true } = {}, now = new Date()): Promise<TransitionOutcome> {
    return this.transition(job, 'failed', ['queued', 'active'], returnRecord, ['error', JSON.stringify(error), 'finishedAt', now.toISOString()]);
  }

  async cancel(job: JobRef, now = new Date()): Promise<TransitionOutcome<JobRecord>> {
    const error = errors.cancelled().toJSON();
    const fields = ['error', JSON.stringify(error), 'finishedAt', now.toISOString()];
    return (await this.transition(job, 'cancelled', ['queued', 'active'], true, fields)) as TransitionOutcome<JobRecord>;
  }

  private async transition(
    job: JobRef,
    to: JobStatus,
    from: JobStatus[],
    returnRecord: boolean,
    fields: string[],
    counters?: CounterIncrements | null,
  ): Promise<TransitionOutcome> {
    const final = FINAL_STATUSES.includes(to);
    const keys = [this.recordKey(job.id)];
    // The batch's counts of its jobs in this shard: `BatchStore` adds the shards up.
    const batchId = final ? job.batchId : undefined;
    if (batchId) keys.push(this.shards.keysFor(job.id).batches.progress(job.tenantId, batchId));
    // With a history tier, a finished record keeps no expiry until the mover has copied it.
    const toHistory = final && this.history !== undefined;
    if (toHistory) keys.push(this.shards.keysFor(job.id).history.pending());
    const increments = counters?.increments ?? [];
    if (counters && increments.length > 0) keys.push(counters.key);
    const args = [
      job.id,
      to,
      from.join(','),
      final && !toHistory ? this.retentionSeconds : 0,
      returnRecord ? 1 : 0,
      final ? 1 : 0,
      batchId ? this.retentionSeconds : 0,
      toHistory ? Date.now() : 0,
      increments.length > 0 ? counters!.expireAt : 0,
      increments.length,
      ...increments.flat(),
      ...fields,
    ];
    return transitionOutcome(await this.redis.voxqJobTransition(keys.length, ...keys, ...args), returnRecord);
  }

  /**
   * A tenant's job, or null when it does not exist or belongs to another tenant. Redis first,
   * then the history tier. Its input is read (from either) only with `input: true`: a client
   * polling a job would otherwise fetch up to 256 KiB it does not show on every read.
   */
  async get(tenantId: string, id: string, { input = false }: { input?: boolean } = {}): Promise<JobRecord | null> {
    const record = input ? await this.read(id) : await this.readWithoutInput(id);
    if (record) return record.tenantId === tenantId ? record : null;
    const view = this.history ? await this.history.getJob(tenantId, id, { input }) : null;
    return view && fromJobView(view, tenantId);
  }

  /**
   * Any tenant's job as Redis holds it: for workers and the dispatcher, never for request
   * paths. The jobs they handle are unfinished or just finished, so never only in history.
   */
  async read(id: string): Promise<JobRecord | null> {
    const hash = await this.redis.hgetall(this.recordKey(id));
    return hash.id ? jobRecordSchema.parse(hash) : null;
  }

  private async readWithoutInput(id: string): Promise<JobRecord | null> {
    const hash = fieldsToObject(RECORD_FIELDS_WITHOUT_INPUT, await this.redis.hmget(this.recordKey(id), ...RECORD_FIELDS_WITHOUT_INPUT));
    return hash.id ? jobRecordSchema.parse(hash) : null;
  }

  /**
   * Newest first; returns the page and the cursor of the next one. Each shard's index is read,
   * then the history tier's (for finished jobs), and the pages merged. Redis is read first: the
   * mover drops a record's index entries only after the history tier has it, so a job moving
   * meanwhile shows in one page or both (counted once), never in neither.
   */
  async list(tenantId: string, options: ListOptions): Promise<{ jobs: JobRecord[]; nextCursor: string | null }> {
    const pages = await this.listHot(tenantId, options);
    const unfinished = options.status !== undefined && !FINAL_STATUSES.includes(options.status);
    if (this.history && !unfinished) {
      const cold = await this.history.listJobs(tenantId, options);
      pages.push({ items: cold.items.map((view) => fromJobView(view, tenantId)), nextCursor: cold.nextCursor });
    }
    const page = mergeIndexPages(pages, options.limit, (record) => record.id);
    return { jobs: page.items, nextCursor: page.nextCursor };
  }

  private listHot(tenantId: string, options: ListOptions): Promise<Array<{ items: JobRecord[]; nextCursor: string | null }>> {
    return Promise.all(
      this.shards.all().map((k) => {
        const { indexes, jobs } = this.shards.keysOf(k);
        const { status, type } = options;
        // No index per status (a status change would cost two index writes on every job):
        // a status filter reads the type's or the tenant's index and skips the others.
        const index = type ? indexes.jobsByType(tenantId, type) : indexes.tenantJobs(tenantId);
        return readIndexPage(this.redis, {
          index,
          limit: options.limit,
          ...(options.after ? { after: options.after } : {}),
          recordKey: jobs.record,
          // A page without inputs leaves them in Redis: up to 256 KiB each, on up to 100 records.
          ...(options.input ? {} : { fields: RECORD_FIELDS_WITHOUT_INPUT }),
          parse: (hash) => (hash.id ? jobRecordSchema.parse(hash) : null),
          keep: (record) => record.tenantId === tenantId && (!type || record.type === type) && (!status || record.status === status),
          idOf: (record) => record.id,
        });
      }),
    );
  }
}

/**
 * Hash fields to increment when a job completes (its usage), in the job's shard (one slot
 * with its record), and when the hash expires (unix seconds), set when the hash is made.
 */
export interface CounterIncrements {
  key: string;
  expireAt: number;
  increments: Array<[field: string, by: number]>;
}

export interface JobRef {
  id: string;
  tenantId: string;
  type: JobType;
  /** A batch's job: its final status is counted in the batch's progress. */
  batchId?: string | undefined;
}
