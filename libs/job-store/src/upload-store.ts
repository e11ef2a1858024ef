import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { UPLOAD_ID_PATTERN, type UploadStatus, type UploadView } from '@voxq/contracts';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import completeLua from './scripts/upload-complete.lua';

/** A new upload id: time-ordered like job ids (`up_` + 12 hex digits of epoch ms + 16 random). */
export function newUploadId(now = Date.now()): string {
  return `up_${now.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}

export { UPLOAD_ID_PATTERN };

export interface UploadRecord {
  id: string;
  tenantId: string;
  status: UploadStatus;
  bucket: string;
  key: string;
  contentType: string;
  size: number | null;
  sha256: string | null;
  filename: string | null;
  createdAt: string;
  completedAt: string | null;
  expiresAt: string;
}

/** What completing an upload records about its bytes. */
export interface UploadCompletion {
  size: number;
  contentType: string;
  sha256: string | null;
  completedAt: string;
}

interface UploadScripts {
  voxqUploadComplete(key: string, ...fields: string[]): Promise<number>;
}

const FIELDS = ['id', 'tenantId', 'status', 'bucket', 'key', 'contentType', 'size', 'sha256', 'filename', 'createdAt', 'completedAt', 'expiresAt'] as const;

/**
 * Upload records: which object in the bucket an upload id names, its status and what voxq
 * knows of its bytes. Records are keyed under their tenant, so another tenant's id is simply
 * not found, and expire after the retention period (their `expiresAt`).
 */
export class UploadStore {
  private readonly redis: RedisClient & UploadScripts;
  private readonly keys: RedisKeys['uploads'];

  constructor(
    redis: RedisClient,
    prefix: string,
    readonly retentionSeconds: number,
  ) {
    this.redis = defineScripts<UploadScripts>(redis, { voxqUploadComplete: { keys: 1, lua: completeLua } });
    this.keys = redisKeys(prefix).uploads;
  }

  private recordKey = (tenantId: string, id: string) => this.keys.record(tenantId, id);

  /** `expiresAt` of an upload created at `now`. */
  expiryOf(now: Date): string {
    return new Date(now.getTime() + this.retentionSeconds * 1000).toISOString();
  }

  async create(record: UploadRecord): Promise<void> {
    const key = this.recordKey(record.tenantId, record.id);
    const fields = Object.fromEntries(FIELDS.map((f) => [f, record[f] === null ? '' : String(record[f])]));
    await this.redis.multi().hset(key, fields).expire(key, this.retentionSeconds).exec();
  }

  async get(tenantId: string, id: string): Promise<UploadRecord | null> {
    if (!UPLOAD_ID_PATTERN.test(id)) return null;
    const values = await this.redis.hmget(this.recordKey(tenantId, id), ...FIELDS);
    if (values[0] === null) return null;
    const field = (name: (typeof FIELDS)[number]) => values[FIELDS.indexOf(name)] || null;
    const size = field('size');
    return {
      id: field('id')!,
      tenantId: field('tenantId')!,
      status: field('status') as UploadStatus,
      bucket: field('bucket')!,
      key: field('key')!,
      contentType: field('contentType')!,
      size: size === null ? null : Number(size),
      sha256: field('sha256'),
      filename: field('filename'),
      createdAt: field('createdAt')!,
      completedAt: field('completedAt'),
      expiresAt: field('expiresAt')!,
    };
  }

  /** Marks an upload completed; false when its record is gone (deleted or expired). */
  async complete(tenantId: string, id: string, completion: UploadCompletion): Promise<boolean> {
    const fields = [
      'status',
      'completed',
      'size',
      String(completion.size),
      'contentType',
      completion.contentType,
      'sha256',
      completion.sha256 ?? '',
      'completedAt',
      completion.completedAt,
    ];
    return (await this.redis.voxqUploadComplete(this.recordKey(tenantId, id), ...fields)) === 1;
  }

  /** Forgets an upload; false when there was none. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.redis.del(this.recordKey(tenantId, id))) === 1;
  }
}

/** An upload as the API shows it (the bucket and key stay internal). */
export function toUploadView(record: UploadRecord): UploadView {
  return {
    id: record.id,
    object: 'upload',
    status: record.status,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    filename: record.filename,
    createdAt: record.createdAt,
    completedAt: record.completedAt,
    expiresAt: record.expiresAt,
  };
}
