import type { Transport } from './transport';
import type { FileObject } from './types';

export interface CreateFileOptions {
  /** @defaultValue `'batch.jsonl'` */
  filename?: string;
  /** voxq keeps batch input files only. @defaultValue `'batch'` */
  purpose?: 'batch';
  /** Delete the file this long after creation (3,600 to 2,592,000). */
  expiresAfterSeconds?: number;
  signal?: AbortSignal;
}

const filePath = (id: string) => `/v1/files/${encodeURIComponent(id)}`;

/** `/v1/files`: OpenAI's Files API (`purpose=batch`): batch inputs, and batches' output and error files. */
export class FilesResource {
  constructor(private readonly http: Transport) {}

  /** Uploads a JSONL file (multipart). A form can be sent again, but a new file is made each time, so it is not retried. */
  create(content: Uint8Array | Blob | string, options: CreateFileOptions = {}): Promise<FileObject> {
    const form = new FormData();
    form.set('purpose', options.purpose ?? 'batch');
    if (options.expiresAfterSeconds !== undefined) {
      form.set('expires_after[anchor]', 'created_at');
      form.set('expires_after[seconds]', String(options.expiresAfterSeconds));
    }
    const blob = content instanceof Blob ? content : new Blob([content], { type: 'application/jsonl' });
    form.set('file', blob, options.filename ?? 'batch.jsonl');
    return this.http.json<FileObject>({ method: 'POST', path: '/v1/files', body: form, ...(options.signal ? { signal: options.signal } : {}) });
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<FileObject> {
    return this.http.json<FileObject>({ method: 'GET', path: filePath(id), ...options });
  }

  /** The file's bytes (JSONL); `new TextDecoder().decode(bytes)` for the text. */
  async content(id: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const response = await this.http.request({ method: 'GET', path: `${filePath(id)}/content`, ...options });
    return new Uint8Array(await response.arrayBuffer());
  }

  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request({ method: 'DELETE', path: filePath(id), ...options });
  }
}
