import { createHash, randomBytes } from 'node:crypto';
import { isFinalBatchStatus, type BatchProgress, type BatchRecord } from '@voxq/contracts';
import { defineScripts, type KeyShards, type RedisClient, type RedisKeys } from '@voxq/redis-keys';
import { mergeIndexPages, readIndexPage } from './index-page';
import putLua from './scripts/batch-put.lua';

/** `file-` + 12 hex digits of epoch ms + 12 random: time-ordered, like job ids. */
export const newFileId = (now = Date.now()) => `file-${now.toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}`;
export const newBatchId = (now = Date.now()) => `batch_${now.toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}`;
/**
 * A file id derived from a batch and a name (`output`, `error`, `input`): a finalize step
 * that runs twice (a crash after writing) overwrites the same file instead of leaving a second.
 */
export const derivedFileId = (batchId: string, name: string) => `file-${createHash('sha256').update(`${batchId}\n${name}`).digest('hex').slice(0, 24)}`;
export const FILE_ID_PATTERN = /^file-[0-9a-f]{24}$/;
export const BATCH_ID_PATTERN = /^batch_[0-9a-f]{24}$/;

export interface FileRecord {
  id: string;
  tenantId: string;
  key: string;
  bytes: number;
  filename: string;
  purpose: string;
  createdAt: number;
  /** Unix seconds when the file (record and bytes) is deleted; null: kept until deleted. */
  expiresAt: number | null;
}

// A batch is stored as `batchRecordSchema` (@voxq/contracts) in JSON, in one hash field that
// only the batch's runner writes once the batch exists. A cancel request is a field of its own,
// so it never races the runner's writes. Its counts are a progress hash per shard.

/** A batch with its live state: its progress and whether (since when) a cancel was asked. */
export interface BatchState {
  batch: BatchRecord;
  progress: BatchProgress;
  cancelRequestedAt: number | null;
}

/**
 * The history tier as the batch store reads it (`libs/history`'s HistoryStore, Postgres):
 * finished batches move there (`BatchHandoff`) with their final counts, and are read from
 * there once Redis no longer holds them.
 */
export interface BatchHistory {
  /** A tenant's finished batch, or null (none, or another tenant's). */
  getBatch(tenantId: string, id: string): Promise<BatchState | null>;
  /** A tenant's finished batches, newest first, with the same exclusive cursor as `BatchStore.listBatches`. */
  listBatches(tenantId: string, options: { limit: number; after?: string | undefined }): Promise<{ items: BatchState[]; nextCursor: string | null }>;
}

/** The pending set's member for a batch: its record's key needs the tenant. */
export const batchPendingMember = (batch: Pick<BatchRecord, 'tenantId' | 'id'>) => `${batch.tenantId} ${batch.id}`;

interface BatchScripts {
  voxqBatchPut(...args: Array<string | number>): Promise<number>;
}

/**
 * Files (`purpose=batch` inputs and batch outputs) and batches, per tenant in RedisClient; the
 * files' bytes live in S3. A batch's jobs are a list of `jobId customId` entries, in line order.
 */
export class BatchStore {
  private readonly keys: RedisKeys['batches'];
  private readonly redis: RedisClient & BatchScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    readonly retentionSeconds: number,
    /** The history tier finished batches move to (Postgres); without it they expire after `retentionSeconds`. */
    private readonly history?: BatchHistory,
  ) {
    this.keys = shards.base.batches;
    // The key count travels with each call: such a script is sent on its own, never joined to
    // an automatic pipeline made before it was defined (which would lack it).
    this.redis = defineScripts<BatchScripts>(redis, { voxqBatchPut: { lua: putLua } });
  }

  private fileKey = (tenantId: string, id: string) => this.keys.file(tenantId, id);
  private filesIndex = (tenantId: string) => this.keys.tenantFiles(tenantId);
  private batchKey = (tenantId: string, id: string) => this.keys.record(tenantId, id);
  private batchIndex = (tenantId: string) => this.keys.tenantIndex(tenantId);
  private jobsKey = (tenantId: string, id: string) => this.keys.jobs(tenantId, id);
  /**
   * A batch job's final statuses are counted by the job store's transition script, in the
   * job's shard (a job ends once, so the counts are exact and cost one HINCRBY, not a scan of
   * the batch's jobs); `expanded` is in shard 0's. A batch's progress is the shards' sum.
   */
  private progressKey = (tenantId: string, id: string) => this.keys.progress(tenantId, id);

  /** Records live as long as their file (and at least the retention, so a batch never outlives its input's record). */
  private fileTtl(record: FileRecord): number {
    return record.expiresAt === null ? this.retentionSeconds : Math.max(1, record.expiresAt - Math.floor(Date.now() / 1000));
  }

  /**
   * Writes the record and indexes it for the tenant's listing. A rewrite (a finalize step run
   * twice) keeps its first place. The index lives as long as its longest-lived file.
   */
  async putFile(record: FileRecord): Promise<void> {
    const ttl = this.fileTtl(record);
    const index = this.filesIndex(record.tenantId);
    await this.redis
      .multi()
      .set(this.fileKey(record.tenantId, record.id), JSON.stringify(record), 'EX', ttl)
      .zadd(index, 'NX', Date.now(), record.id)
      .expire(index, ttl, 'NX')
      .expire(index, ttl, 'GT')
      .exec();
  }

  async getFile(tenantId: string, id: string): Promise<FileRecord | null> {
    if (!FILE_ID_PATTERN.test(id)) return null;
    const raw = await this.redis.get(this.fileKey(tenantId, id));
    return raw ? ({ expiresAt: null, ...JSON.parse(raw) } as FileRecord) : null;
  }

  async deleteFile(tenantId: string, id: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis.multi().del(this.fileKey(tenantId, id)).zrem(this.filesIndex(tenantId), id).exec()) as [[unknown, number], unknown];
    return deleted === 1;
  }

  /**
   * A page of the tenant's files in the order they were written (`desc`: newest first), after
   * the file `after`, keyset-paginated on (write time, id) so files written meanwhile neither
   * repeat nor shift a page. Null when `after` names no indexed file. Members whose records
   * expired are dropped from the index as they are met.
   */
  async listFiles(
    tenantId: string,
    options: { limit: number; after?: string; order: 'asc' | 'desc'; purpose?: string },
  ): Promise<{ files: FileRecord[]; hasMore: boolean } | null> {
    const index = this.filesIndex(tenantId);
    const desc = options.order === 'desc';
    let cursor: { score: number; id: string } | null = null;
    if (options.after) {
      const score = await this.redis.zscore(index, options.after);
      if (score === null) return null;
      cursor = { score: Number(score), id: options.after };
    }
    const files: FileRecord[] = [];
    const batch = Math.max(options.limit + 1, 20);
    for (let round = 0; round < 50 && files.length <= options.limit; round++) {
      const ids = await this.idsAfter(index, cursor, desc, batch);
      if (ids.length === 0) break;
      const raws = ((await this.redis.mget(...ids.map(({ id }) => this.fileKey(tenantId, id)))) ?? []) as Array<string | null>;
      const gone = ids.filter((_, i) => raws[i] === null).map(({ id }) => id);
      if (gone.length) await this.redis.zrem(index, ...gone);
      for (const [i, raw] of raws.entries()) {
        cursor = ids[i]!;
        if (raw === null) continue;
        const record = { expiresAt: null, ...JSON.parse(raw) } as FileRecord;
        if (options.purpose === undefined || record.purpose === options.purpose) files.push(record);
        if (files.length > options.limit) break;
      }
      if (ids.length < batch) break;
    }
    return { files: files.slice(0, options.limit), hasMore: files.length > options.limit };
  }

  /** Up to `count` index members past `cursor` in the listing's order: its score's later ids first, then later scores. */
  private async idsAfter(index: string, cursor: { score: number; id: string } | null, desc: boolean, count: number) {
    const pairs = (list: string[]) => {
      const out: Array<{ id: string; score: number }> = [];
      for (let i = 0; i + 1 < list.length; i += 2) out.push({ id: list[i]!, score: Number(list[i + 1]) });
      return out;
    };
    const range = (from: string, to: string) =>
      desc
        ? this.redis.zrange(index, from, to, 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES')
        : this.redis.zrange(index, from, to, 'BYSCORE', 'LIMIT', 0, count, 'WITHSCORES');
    const end = desc ? '-inf' : '+inf';
    if (!cursor) return pairs(await range(desc ? '+inf' : '-inf', end));
    const { score, id } = cursor;
    // Ids sharing the cursor's write time (rare: the same millisecond) sort by id.
    const same = pairs(await this.redis.zrange(index, score, score, 'BYSCORE', 'WITHSCORES'))
      .filter((m) => (desc ? m.id < id : m.id > id))
      .sort((a, b) => (desc ? b.id.localeCompare(a.id) : a.id.localeCompare(b.id)));
    return [...same, ...pairs(await range(`(${score}`, end))].slice(0, count);
  }

  /**
   * Writes a new batch, or a runner's update of one (the cancel request field is kept). With a
   * history tier, the write that finishes a batch also puts it in the history tier's pending
   * set and takes its keys' expiry away, in the same step (one script, one slot).
   */
  async putBatch(record: BatchRecord, now = Date.now()): Promise<void> {
    const toHistory = this.history !== undefined && isFinalBatchStatus(record.status);
    await this.redis.voxqBatchPut(
      4,
      this.batchKey(record.tenantId, record.id),
      this.progressKey(record.tenantId, record.id),
      this.batchIndex(record.tenantId),
      this.keys.historyPending(),
      record.id,
      JSON.stringify(record),
      this.retentionSeconds,
      batchPendingMember(record),
      toHistory ? now : 0,
      this.history ? 1 : 0,
    );
  }

  async getBatch(tenantId: string, id: string): Promise<BatchRecord | null> {
    if (!BATCH_ID_PATTERN.test(id)) return null;
    const raw = await this.redis.hget(this.batchKey(tenantId, id), 'json');
    return raw ? (JSON.parse(raw) as BatchRecord) : null;
  }

  /** The batch with its live state, as Redis holds it: for the runner, which handles unfinished batches only. */
  async readBatch(tenantId: string, id: string): Promise<BatchState | null> {
    if (!BATCH_ID_PATTERN.test(id)) return null;
    const [hash, progress] = await Promise.all([this.redis.hgetall(this.batchKey(tenantId, id)), this.progress(tenantId, id)]);
    if (!hash['json']) return null;
    return {
      batch: JSON.parse(hash['json']) as BatchRecord,
      progress,
      cancelRequestedAt: hash['cancelRequestedAt'] ? Number(hash['cancelRequestedAt']) : null,
    };
  }

  /** A tenant's batch with its live state, or null: Redis first, then the history tier (request paths). */
  async findBatch(tenantId: string, id: string): Promise<BatchState | null> {
    if (!BATCH_ID_PATTERN.test(id)) return null;
    return (await this.readBatch(tenantId, id)) ?? (this.history ? await this.history.getBatch(tenantId, id) : null);
  }

  /** Asks the batch's runner to cancel it; returns false when it was asked before. */
  async requestCancel(tenantId: string, id: string, at: number): Promise<boolean> {
    return (await this.redis.hsetnx(this.batchKey(tenantId, id), 'cancelRequestedAt', at)) === 1;
  }

  async progress(tenantId: string, id: string): Promise<BatchProgress> {
    const hashes = await Promise.all(this.shards.all().map((k) => this.redis.hgetall(this.shards.keysOf(k).batches.progress(tenantId, id))));
    return sumProgress(hashes.map(progressOf));
  }

  /**
   * A tenant's batches, newest first: Redis's index, then the history tier's (finished
   * batches), the pages merged by id with the one exclusive cursor. Redis is read first: the
   * mover drops a batch's index entry only after the history tier has it, so a batch moving
   * meanwhile shows in one page or both (counted once), never in neither.
   */
  async listBatches(tenantId: string, limit: number, after?: string): Promise<{ items: BatchState[]; nextCursor: string | null }> {
    const pages = [await this.listHot(tenantId, limit, after)];
    if (this.history) pages.push(await this.history.listBatches(tenantId, { limit, after }));
    return mergeIndexPages(pages, limit, (state) => state.batch.id);
  }

  private async listHot(tenantId: string, limit: number, after?: string): Promise<{ items: BatchState[]; nextCursor: string | null }> {
    const page = await readIndexPage<BatchRecord>(this.redis, {
      index: this.batchIndex(tenantId),
      limit,
      ...(after ? { after } : {}),
      recordKey: (id) => this.batchKey(tenantId, id),
      parse: (hash) => (hash['json'] ? { ...(JSON.parse(hash['json']) as BatchRecord), cancelRequestedAt: hash['cancelRequestedAt'] } : null),
      keep: () => true,
      idOf: (b) => b.id,
    });
    const progress = await Promise.all(page.items.map((b) => this.progress(tenantId, b.id)));
    return {
      items: page.items.map((b, i) => {
        const { cancelRequestedAt, ...batch } = b as BatchRecord & { cancelRequestedAt?: string };
        return { batch, progress: progress[i]!, cancelRequestedAt: cancelRequestedAt ? Number(cancelRequestedAt) : null };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Records a chunk of lines turned into jobs and the expansion's new high-water mark in one
   * step: a runner that resumes after a crash starts after the last chunk recorded.
   */
  async addJobs(tenantId: string, batchId: string, entries: Array<{ jobId: string; customId: string }>, expanded: number): Promise<void> {
    const key = this.jobsKey(tenantId, batchId);
    const tx = this.redis.multi();
    if (entries.length) tx.rpush(key, ...entries.map((e) => `${e.jobId} ${e.customId}`)).expire(key, this.retentionSeconds);
    await tx.hset(this.progressKey(tenantId, batchId), 'expanded', expanded).exec();
  }

  /** The batch's jobs in line order, a page at a time. */
  async *jobs(tenantId: string, batchId: string, pageSize = 500): AsyncGenerator<Array<{ jobId: string; customId: string }>> {
    for (let start = 0; ; start += pageSize) {
      const page = await this.redis.lrange(this.jobsKey(tenantId, batchId), start, start + pageSize - 1);
      if (page.length === 0) return;
      yield page.map((entry) => {
        const space = entry.indexOf(' ');
        return { jobId: entry.slice(0, space), customId: entry.slice(space + 1) };
      });
      if (page.length < pageSize) return;
    }
  }
}

/** One shard's counts hash of a batch, as numbers (a missing field is 0). */
export function progressOf(hash: Record<string, string>): BatchProgress {
  return {
    expanded: Number(hash['expanded'] ?? 0),
    completed: Number(hash['completed'] ?? 0),
    failed: Number(hash['failed'] ?? 0),
    cancelled: Number(hash['cancelled'] ?? 0),
  };
}

/** A batch's progress: its shards' counts added up. */
export function sumProgress(shards: BatchProgress[]): BatchProgress {
  return shards.reduce((sum, p) => ({
    expanded: sum.expanded + p.expanded,
    completed: sum.completed + p.completed,
    failed: sum.failed + p.failed,
    cancelled: sum.cancelled + p.cancelled,
  }));
}
