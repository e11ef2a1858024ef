import type { BatchObject } from '@voxq/contracts';
import { sleep } from './sleep';
import type { Transport } from './transport';
import { FINAL_BATCH_STATUSES, type BatchCreateRequest, type BatchPage } from './types';
import { VoxqError } from './voxq-error';

const batchPath = (id: string) => `/v1/batches/${encodeURIComponent(id)}`;

/** `/v1/batches`: OpenAI's Batch API, and voxq's inline form (`{jobs: [...]}`). */
export class BatchesResource {
  constructor(private readonly http: Transport) {}

  /** `POST /v1/batches` with `jobs` (inline) or `input_file_id` + `endpoint` (a JSONL from `files.create`). Not retried: it has no idempotency key. */
  create(request: BatchCreateRequest, options: { signal?: AbortSignal } = {}): Promise<BatchObject> {
    return this.http.json<BatchObject>({ method: 'POST', path: '/v1/batches', json: request, ...options });
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<BatchObject> {
    return this.http.json<BatchObject>({ method: 'GET', path: batchPath(id), ...options });
  }

  /** One page, newest first; pass the page's `last_id` as `after` for the next. */
  list(query: { limit?: number; after?: string } = {}, options: { signal?: AbortSignal } = {}): Promise<BatchPage> {
    return this.http.json<BatchPage>({ method: 'GET', path: '/v1/batches', query, ...options });
  }

  async *listAll(query: { limit?: number } = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<BatchObject> {
    let after: string | undefined;
    do {
      const page = await this.list({ ...query, ...(after ? { after } : {}) }, options);
      yield* page.data;
      after = page.has_more && page.last_id ? page.last_id : undefined;
    } while (after);
  }

  /** Asks the batch to stop; it reads `cancelling` until its open jobs are cancelled. Asking twice is harmless, so it is retried. */
  cancel(id: string, options: { signal?: AbortSignal } = {}): Promise<BatchObject> {
    return this.http.json<BatchObject>({ method: 'POST', path: `${batchPath(id)}/cancel`, retry: true, ...options });
  }

  /** Polls until the batch is completed, failed, expired or cancelled. */
  async wait(id: string, options: { timeoutMs?: number; pollIntervalMs?: number; signal?: AbortSignal } = {}): Promise<BatchObject> {
    const { timeoutMs = 3_600_000, pollIntervalMs = 1_000, signal } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const batch = await this.get(id, signal ? { signal } : {});
      if (FINAL_BATCH_STATUSES.includes(batch.status)) return batch;
      if (Date.now() + pollIntervalMs > deadline) {
        throw new VoxqError({
          status: null,
          type: 'timeout_error',
          code: 'wait_timeout',
          param: null,
          message: `Batch ${id} did not finish within ${timeoutMs} ms (it is ${batch.status}).`,
          requestId: null,
          retryAfter: null,
        });
      }
      await sleep(pollIntervalMs, signal);
    }
  }
}
