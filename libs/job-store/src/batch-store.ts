import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { readIndexPage } from './index-page';

/** `file-` + 12 hex digits of epoch ms + 12 random: time-ordered, like job ids. */
export const newFileId = (now = Date.now()) => `file-${now.toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}`;
export const newBatchId = (now = Date.now()) => `batch_${now.toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}`;
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
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export interface BatchError {
  code: string;
  message: string;
  line: number | null;
  param?: string | null;
}

/** A batch as stored: the OpenAI batch object's fields, kept as JSON in one hash field. */
export interface BatchRecord {
  id: string;
  tenantId: string;
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: BatchError[] | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

/**
 * Files (`purpose=batch` inputs and batch outputs) and batches, per tenant in Redis; the
 * files' bytes live in S3. A batch's jobs are a list of `jobId customId` entries, in line order.
 */
export class BatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly retentionSeconds: number,
  ) {}

  private fileKey = (tenantId: string, id: string) => `${this.prefix}:tenant:${tenantId}:file:${id}`;
  private batchKey = (tenantId: string, id: string) => `${this.prefix}:tenant:${tenantId}:batch:${id}`;
  private batchIndex = (tenantId: string) => `${this.prefix}:tenant:${tenantId}:batches`;
  private jobsKey = (tenantId: string, id: string) => `${this.prefix}:tenant:${tenantId}:batch:${id}:jobs`;
  private lockKey = (tenantId: string, id: string) => `${this.prefix}:tenant:${tenantId}:batch:${id}:lock`;

  async putFile(record: FileRecord): Promise<void> {
    const key = this.fileKey(record.tenantId, record.id);
    await this.redis.multi().set(key, JSON.stringify(record), 'EX', this.retentionSeconds).exec();
  }

  async getFile(tenantId: string, id: string): Promise<FileRecord | null> {
    if (!FILE_ID_PATTERN.test(id)) return null;
    const raw = await this.redis.get(this.fileKey(tenantId, id));
    return raw ? (JSON.parse(raw) as FileRecord) : null;
  }

  async deleteFile(tenantId: string, id: string): Promise<boolean> {
    return (await this.redis.del(this.fileKey(tenantId, id))) === 1;
  }

  async putBatch(record: BatchRecord): Promise<void> {
    const key = this.batchKey(record.tenantId, record.id);
    await this.redis
      .multi()
      .hset(key, { id: record.id, json: JSON.stringify(record) })
      .expire(key, this.retentionSeconds)
      .zadd(this.batchIndex(record.tenantId), 0, record.id)
      .expire(this.batchIndex(record.tenantId), this.retentionSeconds)
      .exec();
  }

  async getBatch(tenantId: string, id: string): Promise<BatchRecord | null> {
    if (!BATCH_ID_PATTERN.test(id)) return null;
    const raw = await this.redis.hget(this.batchKey(tenantId, id), 'json');
    return raw ? (JSON.parse(raw) as BatchRecord) : null;
  }

  async listBatches(tenantId: string, limit: number, after?: string): Promise<{ items: BatchRecord[]; nextCursor: string | null }> {
    return readIndexPage<BatchRecord>(this.redis, {
      index: this.batchIndex(tenantId),
      limit,
      ...(after ? { after } : {}),
      recordKey: (id) => this.batchKey(tenantId, id),
      parse: (hash) => (hash['json'] ? (JSON.parse(hash['json']) as BatchRecord) : null),
      keep: () => true,
      idOf: (b) => b.id,
    });
  }

  async addJobs(tenantId: string, batchId: string, entries: Array<{ jobId: string; customId: string }>): Promise<void> {
    if (entries.length === 0) return;
    const key = this.jobsKey(tenantId, batchId);
    await this.redis
      .multi()
      .rpush(key, ...entries.map((e) => `${e.jobId} ${e.customId}`))
      .expire(key, this.retentionSeconds)
      .exec();
  }

  async jobCount(tenantId: string, batchId: string): Promise<number> {
    return this.redis.llen(this.jobsKey(tenantId, batchId));
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

  /** One holder at a time for a batch's state changes (validation, finalizing, cancelling). */
  async lock(tenantId: string, batchId: string, seconds = 120): Promise<boolean> {
    return (await this.redis.set(this.lockKey(tenantId, batchId), '1', 'EX', seconds, 'NX')) === 'OK';
  }

  /** Extends a held lock. */
  async touch(tenantId: string, batchId: string, seconds = 120): Promise<void> {
    await this.redis.expire(this.lockKey(tenantId, batchId), seconds);
  }

  async unlock(tenantId: string, batchId: string): Promise<void> {
    await this.redis.del(this.lockKey(tenantId, batchId));
  }
}
