import type { Readable } from 'node:stream';
import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { UPLOAD_CONTENT_TYPES_HINT, uploadContentTypeSchema, type PresignUploadRequest, type UploadView } from '@voxq/contracts';
import { errors, isAppError } from '@voxq/errors';
import { newUploadId, toUploadView, UploadStore, type UploadRecord } from '@voxq/job-store';
import { tenantKey, type ObjectStore } from '@voxq/storage';
import type { RedisClient } from '@voxq/redis-keys';

export interface UploadServiceDeps {
  objects: ObjectStore;
  uploads: UploadStore;
  /** Largest upload accepted, in bytes: larger ones are refused (413) and their partial object removed. */
  maxBytes: number;
  /** How long a presigned PUT URL stays valid (`S3_PRESIGN_TTL_SECONDS`). */
  presignExpiresSeconds: number;
}

export interface IncomingUpload {
  contentType: string | undefined;
  /** The declared length (Content-Length), when the client sent one. */
  contentLength?: number;
  filename?: string;
  /** Aborts the transfer (the client went away). */
  signal?: AbortSignal;
  /** A lower limit than the service's, for this transfer. */
  maxBytes?: number;
}

/** Object metadata that ties a stored object back to its upload, for operators browsing the bucket. */
const metadataOf = (tenantId: string, id: string) => ({ 'voxq-tenant': tenantId, 'voxq-upload': id });

/** Where an upload's bytes live: `tenants/<tenantId>/uploads/<uploadId>`. */
export const uploadKey = (tenantId: string, uploadId: string) => tenantKey(tenantId, 'uploads', uploadId);

/** S3's default type for objects stored without one. */
const S3_DEFAULT_TYPE = /^binary\/octet-stream$/i;

/**
 * Uploads: audio a tenant puts into voxq's bucket once and names in jobs by id. Bytes go
 * either through the API as a stream (never buffered whole: the store uploads them in
 * parts) or straight to the bucket with a presigned PUT, which `complete` then checks.
 */
export class UploadService {
  constructor(private readonly deps: UploadServiceDeps) {}

  get maxBytes(): number {
    return this.deps.maxBytes;
  }

  /** Checks type and declared size before any byte is read: 415 and 413 come first. */
  admit(incoming: Pick<IncomingUpload, 'contentType' | 'contentLength' | 'maxBytes'>): string {
    const contentType = incoming.contentType?.trim();
    if (!contentType) throw errors.unsupportedMediaType(`Missing Content-Type: send ${UPLOAD_CONTENT_TYPES_HINT}.`);
    if (!uploadContentTypeSchema.safeParse(contentType).success) {
      throw errors.unsupportedMediaType(`Unsupported Content-Type '${contentType}': send ${UPLOAD_CONTENT_TYPES_HINT}.`);
    }
    const maxBytes = Math.min(incoming.maxBytes ?? Infinity, this.deps.maxBytes);
    if (incoming.contentLength !== undefined && incoming.contentLength > maxBytes) throw this.tooLarge(maxBytes);
    return contentType;
  }

  /** Streams `body` into the tenant's uploads and records it as completed. */
  async ingest(principal: Pick<Principal, 'tenantId'>, body: Readable, incoming: IncomingUpload): Promise<UploadView> {
    const contentType = this.admit(incoming);
    const { objects, uploads } = this.deps;
    const maxBytes = Math.min(incoming.maxBytes ?? Infinity, this.deps.maxBytes);
    const { tenantId } = principal;
    const id = newUploadId();
    const key = uploadKey(tenantId, id);
    const stored = await objects
      .putStream(key, body, {
        contentType,
        maxBytes,
        metadata: metadataOf(tenantId, id),
        ...(incoming.contentLength === undefined ? {} : { contentLength: incoming.contentLength }),
        ...(incoming.signal ? { signal: incoming.signal } : {}),
      })
      .catch(async (error: unknown) => {
        // The store removes what it wrote on a refusal; an abort midway may leave a part behind.
        await objects.delete({ key }).catch(() => undefined);
        throw isAppError(error) && error.status === 413 ? this.tooLarge(maxBytes) : error;
      });
    if (stored.size === 0) {
      await objects.delete({ key });
      throw errors.invalidRequest('The upload is empty.', 'body');
    }
    const now = new Date();
    const record: UploadRecord = {
      id,
      tenantId,
      status: 'completed',
      bucket: stored.bucket,
      key,
      contentType,
      size: stored.size,
      sha256: stored.sha256 ?? null,
      filename: incoming.filename ?? null,
      createdAt: now.toISOString(),
      completedAt: now.toISOString(),
      expiresAt: uploads.expiryOf(now),
    };
    await uploads.create(record);
    return toUploadView(record);
  }

  /** A pending upload and the presigned PUT that fills it; `complete` then checks what arrived. */
  async presign(principal: Principal, request: PresignUploadRequest): Promise<UploadView> {
    const { objects, uploads } = this.deps;
    const { tenantId } = principal;
    const id = newUploadId();
    const key = uploadKey(tenantId, id);
    const upload = await objects.presignPut(key, { contentType: request.contentType, expiresInSeconds: this.deps.presignExpiresSeconds });
    const now = new Date();
    const record: UploadRecord = {
      id,
      tenantId,
      status: 'pending',
      bucket: objects.bucket,
      key,
      contentType: request.contentType,
      size: null,
      sha256: null,
      filename: request.filename ?? null,
      createdAt: now.toISOString(),
      completedAt: null,
      expiresAt: uploads.expiryOf(now),
    };
    await uploads.create(record);
    return { ...toUploadView(record), upload };
  }

  /**
   * Checks the object a presigned PUT left (present, within the size limit, an accepted
   * type) and marks the upload completed. Repeats answer the completed upload. Its SHA-256
   * stays null: the bytes never passed through voxq.
   */
  async complete(principal: Principal, id: string): Promise<UploadView> {
    const { objects, uploads, maxBytes } = this.deps;
    const record = await this.find(principal, id);
    if (record.status === 'completed') return toUploadView(record);
    const object = await objects.head({ bucket: record.bucket, key: record.key });
    if (!object) {
      throw errors.conflict('upload_not_received', `Upload ${id} has no bytes yet: PUT them to its presigned URL, then complete it.`);
    }
    // Refused bytes are removed; the upload stays pending, so a corrected PUT can still complete it.
    const refuse = async (error: Error) => {
      await objects.delete({ bucket: record.bucket, key: record.key });
      throw error;
    };
    if (object.size > maxBytes) return refuse(this.tooLarge());
    if (object.size === 0) return refuse(errors.invalidRequest(`Upload ${id} is empty.`));
    const contentType = S3_DEFAULT_TYPE.test(object.contentType) ? record.contentType : object.contentType;
    if (!uploadContentTypeSchema.safeParse(contentType).success) {
      return refuse(errors.unsupportedMediaType(`Upload ${id} was stored as '${contentType}': send ${UPLOAD_CONTENT_TYPES_HINT}.`));
    }
    const completion = { size: object.size, contentType, sha256: null, completedAt: new Date().toISOString() };
    if (!(await uploads.complete(principal.tenantId, id, completion))) throw errors.notFound('upload', id);
    return toUploadView({ ...record, ...completion, status: 'completed' });
  }

  async get(principal: Principal, id: string): Promise<UploadView> {
    return toUploadView(await this.find(principal, id));
  }

  /** Forgets the upload and deletes its bytes; jobs already queued with it then fail to read it. */
  async delete(principal: Principal, id: string): Promise<{ id: string; object: 'upload'; deleted: true }> {
    const record = await this.find(principal, id);
    await this.deps.objects.delete({ bucket: record.bucket, key: record.key });
    await this.deps.uploads.delete(principal.tenantId, id);
    return { id, object: 'upload', deleted: true };
  }

  /** The tenant's upload; another tenant's is not found, like a job. */
  async find(principal: Pick<Principal, 'tenantId'>, id: string): Promise<UploadRecord> {
    const record = await this.deps.uploads.get(principal.tenantId, id);
    if (!record) throw errors.notFound('upload', id);
    return record;
  }

  private tooLarge(maxBytes = this.deps.maxBytes) {
    return errors.payloadTooLarge(`The upload is larger than the limit of ${maxBytes} bytes.`);
  }
}

/** The upload service over the API's Redis and object store, with the configured limits. */
export function uploadServiceFor(deps: { config: Config; redis: RedisClient; objects: ObjectStore }): UploadService {
  const { config, redis, objects } = deps;
  return new UploadService({
    objects,
    uploads: new UploadStore(redis, config.redis.prefix, config.jobs.retentionSeconds),
    maxBytes: config.uploads.maxBytes,
    presignExpiresSeconds: config.s3.presignTtlSeconds,
  });
}
