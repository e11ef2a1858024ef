import type { Readable } from 'node:stream';

/** Where an object lives. `bucket` defaults to the configured one. */
export interface ObjectRef {
  bucket?: string;
  key: string;
}

export interface StoredObject {
  bucket: string;
  key: string;
  size: number;
  /** Listings do not carry it: '' there (head the key for it). */
  contentType: string;
  etag?: string;
  /** ISO time of the last write, when the store said. */
  lastModified?: string;
  /** Hex SHA-256 of the bytes, when voxq wrote them (computed while streaming). */
  sha256?: string;
  metadata?: Record<string, string>;
}

export interface PutOptions {
  contentType: string;
  /** Known length, when the caller has it (a Content-Length header). */
  contentLength?: number;
  metadata?: Record<string, string>;
  /** Abort (413) past this many bytes; the partial upload is removed. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** A read the caller may give up on (a cancelled job). */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface PresignedPut {
  url: string;
  method: 'PUT';
  /** Headers the client must send with the PUT (the content type it was signed for). */
  headers: Record<string, string>;
  expiresAt: string;
}

/**
 * The S3-compatible object store voxq keeps audio, uploads and results in (AWS S3, MinIO,
 * s3rver). Bodies stream through: nothing here holds a whole upload in memory.
 */
export interface ObjectStore {
  readonly bucket: string;
  /** Creates the bucket when missing (local and test setups; production provisions it). */
  ensureBucket(): Promise<void>;
  /** Streams `body` to `key` (multipart for large bodies) and hashes it on the way. */
  putStream(key: string, body: Readable, options: PutOptions): Promise<StoredObject>;
  putBuffer(key: string, data: Buffer, options: Omit<PutOptions, 'contentLength' | 'maxBytes'>): Promise<StoredObject>;
  getStream(ref: ObjectRef, options?: ReadOptions): Promise<{ body: Readable; object: StoredObject }>;
  /** The whole object, refusing (413) one larger than `maxBytes`. */
  getBuffer(ref: ObjectRef, maxBytes: number, options?: ReadOptions): Promise<{ data: Buffer; object: StoredObject }>;
  head(ref: ObjectRef): Promise<StoredObject | null>;
  delete(ref: ObjectRef): Promise<void>;
  presignPut(key: string, options: { contentType: string; expiresInSeconds: number }): Promise<PresignedPut>;
  presignGet(ref: ObjectRef, options: { expiresInSeconds: number }): Promise<string>;
  /** One page of keys under a prefix (for bucket drops). */
  list(ref: { bucket?: string; prefix: string }, continuationToken?: string): Promise<{ objects: StoredObject[]; next?: string }>;
}
