import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '@voxq/config';
import { AppError, errors, isAppError } from '@voxq/errors';
import type { ObjectRef, ObjectStore, PresignedPut, PutOptions, ReadOptions, StoredObject } from './object-store';
import { isNotFound, toStorageError } from './s3-errors';
import { assertSafeKey } from './tenant-key';

/** The S3 settings `createObjectStore` needs (`config.s3`; the retry window is the worker's, see `withPatience`). */
export type S3Settings = Omit<Config['s3'], 'retryWindowSeconds'>;

/**
 * Multipart part size and parts in flight: a streamed upload holds at most about
 * `PART_SIZE * (QUEUE_SIZE + 1)` bytes, whatever its total size.
 */
const PART_SIZE = 5 * 1_048_576; // S3's smallest part: the least memory per upload
// One part in flight: lib-storage copies each part, and at two the API's peak RSS on a
// 1 GiB upload reached 208 MB in 1 of 6 runs (limit 200); at one it stays near 170 MB.
const QUEUE_SIZE = 1;

/**
 * The SDK sets no timeout of its own: an S3 endpoint that accepts connections and never
 * answers would hold an API request or a job forever. Connecting gets 5 s; an answer's
 * headers 30 s (a 5 MiB part included); a socket may then sit idle 60 s (a download paused
 * by a slow client's backpressure). Each attempt is bounded; `maxAttempts` retries it.
 */
const REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true, socketTimeout: 60_000 };

/** Counts and hashes bytes as they stream through, and stops the stream past a limit. */
class ByteMeter extends Transform {
  bytes = 0;
  tooLarge = false;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.tooLarge = true;
      return callback(errors.payloadTooLarge(`The body is larger than the limit of ${this.maxBytes} bytes.`));
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Reads a body to the end, refusing it past `maxBytes`. */
async function readAll(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      body.destroy();
      throw errors.payloadTooLarge(`The object is larger than the limit of ${maxBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The ObjectStore on the AWS SDK v3: AWS S3, MinIO, s3rver and other S3-compatible servers.
 * Checksums are computed only when an operation requires them: the SDK's default (CRC32 on
 * every upload, `aws-chunked` bodies) is refused by several S3-compatible servers, and a
 * presigned URL carrying a checksum would pin the body before the client has sent it.
 */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  /** Signs URLs for clients: the same store, named by the address clients reach it at. */
  private readonly presigner: S3Client;

  constructor(settings: S3Settings, clientOverrides: Partial<S3ClientConfig> = {}) {
    this.bucket = settings.bucket;
    const options = (endpoint: string | undefined): S3ClientConfig => ({
      region: settings.region,
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: REQUEST_HANDLER,
      ...clientOverrides,
    });
    this.client = new S3Client(options(settings.endpoint));
    this.presigner = settings.publicEndpoint ? new S3Client(options(settings.publicEndpoint)) : this.client;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error) && (error as { name?: string }).name !== 'NoSuchBucket') throw toStorageError(error, this.bucket, 'bucket');
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Another process created it meanwhile.
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw toStorageError(error, this.bucket, 'bucket');
    }
  }

  async putStream(key: string, body: Readable, options: PutOptions): Promise<StoredObject> {
    assertSafeKey(key);
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (options.contentLength !== undefined && options.contentLength > maxBytes) {
      body.resume();
      throw errors.payloadTooLarge(`The body (${options.contentLength} bytes) is larger than the limit of ${maxBytes} bytes.`);
    }
    const meter = new ByteMeter(maxBytes);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: meter,
        ContentType: options.contentType,
        ...(options.metadata ? { Metadata: options.metadata } : {}),
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // On failure the multipart upload is aborted, so no parts linger (and cost) in the bucket.
      leavePartsOnError: false,
    });
    let streamError: unknown;
    // The upload itself rejects with the abort, which is what the caller sees; an abort that
    // fails as well (S3 away) leaves nothing more to do (`leavePartsOnError: false`).
    const abort = () => void upload.abort().catch(() => undefined);
    options.signal?.addEventListener('abort', abort, { once: true });
    // The body may fail (client gone, over the limit) while the upload waits for bytes.
    const piped = pipeline(body, meter).catch((error: unknown) => {
      streamError = error;
      abort();
    });
    try {
      const [done] = await Promise.all([upload.done(), piped]);
      if (streamError) throw streamError;
      return {
        bucket: this.bucket,
        key,
        size: meter.bytes,
        contentType: options.contentType,
        ...(done.ETag ? { etag: done.ETag } : {}),
        sha256: meter.digest(),
        ...(options.metadata ? { metadata: options.metadata } : {}),
      };
    } catch (error) {
      await piped;
      const cause = streamError ?? error;
      if (meter.tooLarge) throw errors.payloadTooLarge(`The body is larger than the limit of ${maxBytes} bytes.`);
      if (options.signal?.aborted) throw isAppError(options.signal.reason) ? options.signal.reason : toStorageError(cause, key);
      if (isAppError(cause)) throw cause;
      if (streamError) throw errors.invalidRequest(`The body could not be read: ${(cause as Error).message}`, 'body', 'body_incomplete');
      throw toStorageError(cause, key);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  async putBuffer(key: string, data: Buffer, options: Omit<PutOptions, 'contentLength' | 'maxBytes'>): Promise<StoredObject> {
    assertSafeKey(key);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const metadata = { ...options.metadata, sha256 };
    try {
      const out = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: options.contentType, ContentLength: data.length, Metadata: metadata }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      return { bucket: this.bucket, key, size: data.length, contentType: options.contentType, ...(out.ETag ? { etag: out.ETag } : {}), sha256, metadata };
    } catch (error) {
      throw toStorageError(error, key);
    }
  }

  async getStream(ref: ObjectRef, options: ReadOptions = {}): Promise<{ body: Readable; object: StoredObject }> {
    const { bucket, key } = this.resolve(ref);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), options.signal ? { abortSignal: options.signal } : {});
      if (!(out.Body instanceof Readable)) throw new Error('GetObject returned no stream body');
      return {
        body: out.Body,
        object: storedObject(bucket, key, out),
      };
    } catch (error) {
      throw toStorageError(error, key);
    }
  }

  async getBuffer(ref: ObjectRef, maxBytes: number, options: ReadOptions = {}): Promise<{ data: Buffer; object: StoredObject }> {
    const { body, object } = await this.getStream(ref, options);
    if (object.size > maxBytes) {
      body.destroy();
      throw errors.payloadTooLarge(`The object '${object.key}' (${object.size} bytes) is larger than the limit of ${maxBytes} bytes.`);
    }
    try {
      return { data: await readAll(body, maxBytes), object };
    } catch (error) {
      throw error instanceof AppError ? error : toStorageError(error, object.key);
    }
  }

  async head(ref: ObjectRef): Promise<StoredObject | null> {
    const { bucket, key } = this.resolve(ref);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return storedObject(bucket, key, out);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw toStorageError(error, key);
    }
  }

  async delete(ref: ObjectRef): Promise<void> {
    const { bucket, key } = this.resolve(ref);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw toStorageError(error, key);
    }
  }

  async presignPut(key: string, options: { contentType: string; expiresInSeconds: number }): Promise<PresignedPut> {
    assertSafeKey(key);
    const url = await getSignedUrl(this.presigner, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType }), {
      expiresIn: options.expiresInSeconds,
      // The client must send the content type it was signed for.
      signableHeaders: new Set(['content-type']),
    });
    return { url, method: 'PUT', headers: { 'content-type': options.contentType }, expiresAt: expiresAt(options.expiresInSeconds) };
  }

  async presignGet(ref: ObjectRef, options: { expiresInSeconds: number }): Promise<string> {
    const { bucket, key } = this.resolve(ref);
    return getSignedUrl(this.presigner, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: options.expiresInSeconds });
  }

  async list(ref: { bucket?: string; prefix: string }, continuationToken?: string): Promise<{ objects: StoredObject[]; next?: string }> {
    const bucket = ref.bucket ?? this.bucket;
    if (ref.prefix !== '') assertSafeKey(ref.prefix, 'prefix');
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: ref.prefix, ...(continuationToken ? { ContinuationToken: continuationToken } : {}) }),
      );
      const objects = (out.Contents ?? []).map((o): StoredObject => ({
        bucket,
        key: o.Key!,
        size: o.Size ?? 0,
        contentType: '',
        ...(o.ETag ? { etag: o.ETag } : {}),
        ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
      }));
      return { objects, ...(out.IsTruncated && out.NextContinuationToken ? { next: out.NextContinuationToken } : {}) };
    } catch (error) {
      throw toStorageError(error, ref.prefix, 'bucket');
    }
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }

  private resolve(ref: ObjectRef): { bucket: string; key: string } {
    return { bucket: ref.bucket ?? this.bucket, key: assertSafeKey(ref.key) };
  }
}

const expiresAt = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** The configured object store (`config.s3`). */
export function createObjectStore(config: { s3: S3Settings }): S3ObjectStore {
  return new S3ObjectStore(config.s3);
}

/** What GetObject and HeadObject both answer about an object, as a `StoredObject`. */
function storedObject(
  bucket: string,
  key: string,
  out: { ContentLength?: number; ContentType?: string; ETag?: string; LastModified?: Date; Metadata?: Record<string, string> },
): StoredObject {
  return {
    bucket,
    key,
    size: out.ContentLength ?? 0,
    contentType: out.ContentType ?? 'application/octet-stream',
    ...(out.ETag ? { etag: out.ETag } : {}),
    ...(out.LastModified ? { lastModified: out.LastModified.toISOString() } : {}),
    ...(out.Metadata?.sha256 ? { sha256: out.Metadata.sha256 } : {}),
    ...(out.Metadata ? { metadata: out.Metadata } : {}),
  };
}
