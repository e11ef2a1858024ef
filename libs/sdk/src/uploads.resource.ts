import type { UploadView } from '@voxq/contracts';
import type { BodyInit, Transport } from './transport';
import type { UploadBody } from './types';

export interface CreateUploadOptions {
  /** `audio/*` (or a container that carries audio); anything else is a 415. */
  contentType: string;
  /** The file's name, for your own records (no slashes). */
  filename?: string;
  signal?: AbortSignal;
}

/** Bytes, blobs and text go as they are; streams and async iterables (a Node `Readable`) are streamed. */
export function toRequestBody(body: UploadBody): BodyInit {
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob || body instanceof ReadableStream)
    return body as BodyInit;
  return ReadableStream.from(body) as ReadableStream<Uint8Array>;
}

/** `/v1/uploads`: audio stored once in voxq's bucket, then named in transcribe jobs as `{uploadId}`. */
export class UploadsResource {
  constructor(private readonly http: Transport) {}

  /**
   * `POST /v1/uploads`: the body is streamed to S3 → the completed upload. Never retried: an
   * upload has no idempotency key, and a stream cannot be read twice.
   */
  create(body: UploadBody, options: CreateUploadOptions): Promise<UploadView> {
    return this.http.json<UploadView>({
      method: 'POST',
      path: '/v1/uploads',
      body: toRequestBody(body),
      headers: { 'content-type': options.contentType, ...(options.filename ? { 'x-voxq-filename': options.filename } : {}) },
      // Large files take as long as they take; the caller's signal can still stop one.
      timeoutMs: null,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<UploadView> {
    return this.http.json<UploadView>({ method: 'GET', path: `/v1/uploads/${encodeURIComponent(id)}`, ...options });
  }

  /** Deletes the upload and its bytes. */
  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v1/uploads/${encodeURIComponent(id)}`, ...options });
  }
}
