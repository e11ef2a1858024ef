import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The blob holding a job's audio output, served by `GET /v1/jobs/:id/result`. */
export const outputBlobId = (jobId: string) => `out_${jobId}`;

export interface Blob {
  data: Buffer;
  contentType: string;
  tenantId: string;
}

/**
 * Audio that jobs read and write, kept out of queue payloads (jobs carry a blob id).
 * Blobs live in Redis with the job retention as TTL until the S3 storage lands; the
 * interface is what the S3 store will implement.
 */
export class BlobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key = (id: string) => `${this.prefix}:blob:${id}`;

  /** Stores a blob; `id` names it when the caller needs a stable one (a job's output). */
  async put(tenantId: string, data: Buffer, contentType: string, id = `blob_${randomBytes(12).toString('hex')}`): Promise<string> {
    await this.redis
      .multi()
      .hset(this.key(id), { data, contentType, tenantId })
      .expire(this.key(id), this.ttlSeconds)
      .exec();
    return id;
  }

  async get(id: string): Promise<Blob | null> {
    const [data, contentType, tenantId] = await this.redis.hmgetBuffer(this.key(id), 'data', 'contentType', 'tenantId');
    if (!data || !contentType || !tenantId) return null;
    return { data, contentType: contentType.toString(), tenantId: tenantId.toString() };
  }
}
