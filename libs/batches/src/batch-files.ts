import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FileRecord } from '@voxq/job-store';
import { tenantKey, type ObjectStore, type StoredObject } from '@voxq/storage';

export const fileKey = (tenantId: string, id: string) => tenantKey(tenantId, 'files', id);

/** OpenAI's file object. */
export function fileObject(f: FileRecord) {
  return {
    id: f.id,
    object: 'file' as const,
    bytes: f.bytes,
    created_at: f.createdAt,
    expires_at: f.expiresAt,
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
    status_details: null,
  };
}

/**
 * A JSONL object written line by line as it is produced, streamed to S3 (multipart), so a
 * 50,000-line output never sits in memory. The upload starts with the first line: a writer
 * that gets none leaves no object.
 */
export class JsonlUpload {
  private stream: PassThrough | null = null;
  private upload: Promise<StoredObject> | null = null;
  lines = 0;

  constructor(
    private readonly objects: ObjectStore,
    readonly key: string,
  ) {}

  async write(value: unknown): Promise<void> {
    if (!this.stream) {
      this.stream = new PassThrough();
      this.upload = this.objects.putStream(this.key, this.stream, { contentType: 'application/jsonl' });
      // Surfaced by `write` (the race below) or `finish`; never unhandled.
      this.upload.catch(() => undefined);
    }
    this.lines++;
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(this.stream, 'drain'), this.upload]);
  }

  /** The stored object, or null when no line was written. */
  async finish(): Promise<StoredObject | null> {
    if (!this.stream) return null;
    this.stream.end();
    return this.upload!;
  }

  /** Stops a writer whose producer failed; the upload is aborted (nothing is left behind). */
  abort(error: Error): void {
    this.stream?.destroy(error);
  }
}
