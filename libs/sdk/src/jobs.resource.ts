import type { JobInclude, JobView } from '@voxq/contracts';
import { sleep } from './sleep';
import { readServerSentEvents } from './sse';
import type { Transport } from './transport';
import { isTerminalJobStatus, type JobCreateRequest, type JobListQuery, type JobPage, type JobResultBody, type JobStreamEvent } from './types';
import { VoxqError } from './voxq-error';

export interface CreateJobOptions {
  /**
   * Makes the submission safe to repeat: the API answers a repeat with the same job (a
   * repeat with another body is a 409). @defaultValue a random UUID, so the SDK's own retries never submit twice
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface WaitOptions {
  /** Give up (a `VoxqError` with code `wait_timeout`) after this long. @defaultValue 600_000 */
  timeoutMs?: number;
  /** Called with each event of the job's life as it happens (the final status included). */
  onEvent?: (event: JobStreamEvent) => void;
  /** Follow `GET /v1/jobs/:id/events`; false polls only. @defaultValue true */
  stream?: boolean;
  /** Between reads when polling (no event stream, or it ended early). @defaultValue 1_000 */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface GetJobOptions {
  /** Fields to add to the view: `input` (the job's input as stored). @defaultValue none */
  include?: JobInclude[];
  signal?: AbortSignal;
}

/** `include` as the API reads it: one comma-separated value, left out when empty. */
const includeParam = (include: readonly JobInclude[] | undefined) => (include?.length ? include.join(',') : undefined);

const FINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);
const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

/** `/v1/jobs`: submit, read, list, cancel and wait for jobs, and download their results. */
export class JobsResource {
  constructor(private readonly http: Transport) {}

  /** `POST /v1/jobs` → the queued job (202). Retried safely under its idempotency key. */
  create(request: JobCreateRequest, options: CreateJobOptions = {}): Promise<JobView> {
    return this.http.json<JobView>({
      method: 'POST',
      path: '/v1/jobs',
      json: request,
      headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `POST /v1/jobs:batch`: up to 1,000 jobs, validated all or nothing; the key covers each job. */
  async createMany(requests: JobCreateRequest[], options: CreateJobOptions = {}): Promise<JobView[]> {
    const page = await this.http.json<{ data: JobView[] }>({
      method: 'POST',
      path: '/v1/jobs:batch',
      json: { jobs: requests },
      headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return page.data;
  }

  /** `GET /v1/jobs/:id`; `include: ['input']` adds the job's `input` (null when it was not kept). */
  get(id: string, options: GetJobOptions = {}): Promise<JobView> {
    const { include, ...rest } = options;
    return this.http.json<JobView>({ method: 'GET', path: jobPath(id), query: { include: includeParam(include) }, ...rest });
  }

  /** One page, newest first; pass the page's `nextCursor` as `cursor` for the next. `include: ['input']` adds each job's input. */
  list(query: JobListQuery = {}, options: { signal?: AbortSignal } = {}): Promise<JobPage> {
    const { include, ...rest } = query;
    return this.http.json<JobPage>({ method: 'GET', path: '/v1/jobs', query: { ...rest, include: includeParam(include) }, ...options });
  }

  /** Every job the query matches, page after page (`for await (const job of client.jobs.listAll())`). */
  async *listAll(query: Omit<JobListQuery, 'cursor'> = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<JobView> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.data;
      cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
    } while (cursor);
  }

  /** `DELETE /v1/jobs/:id`: cancels a queued or running job; a 409 once it has finished. */
  cancel(id: string, options: { signal?: AbortSignal } = {}): Promise<JobView> {
    return this.http.json<JobView>({ method: 'DELETE', path: jobPath(id), ...options });
  }

  /**
   * Resolves with the job once it is completed, failed or cancelled (a failed job is returned,
   * not thrown: its `error` says why). Follows the job's event stream and falls back to
   * polling when the stream cannot be opened or ends early.
   */
  async wait(id: string, options: WaitOptions = {}): Promise<JobView> {
    const { timeoutMs = 600_000, onEvent, stream = true, pollIntervalMs = 1_000 } = options;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new VoxqError({
            status: null,
            type: 'timeout_error',
            code: 'wait_timeout',
            param: null,
            message: `Job ${id} did not finish within ${timeoutMs} ms.`,
            requestId: null,
            retryAfter: null,
          }),
        ),
      timeoutMs,
    );
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const signal = controller.signal;
    try {
      if (stream) {
        const job = await this.follow(id, signal, onEvent).catch((error: unknown) => {
          // A job that does not exist, or a key that may not read it, will not do better polled.
          if (signal.aborted || (error instanceof VoxqError && error.status !== null && error.status < 500 && error.status !== 429)) throw error;
          return null;
        });
        if (job) return job;
      }
      for (;;) {
        const job = await this.get(id, { signal });
        if (isTerminalJobStatus(job.status)) {
          onEvent?.({ type: job.status as 'completed' | 'failed' | 'cancelled', job });
          return job;
        }
        await sleep(pollIntervalMs, signal);
      }
    } catch (error) {
      throw signal.aborted && signal.reason instanceof VoxqError ? signal.reason : error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The job's event stream until its final event; null when the stream ended without one. */
  private async follow(id: string, signal: AbortSignal, onEvent?: (event: JobStreamEvent) => void): Promise<JobView | null> {
    const response = await this.http.request({
      method: 'GET',
      path: `${jobPath(id)}/events`,
      headers: { accept: 'text/event-stream' },
      timeoutMs: null,
      signal,
    });
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return null;
    for await (const { event, data } of readServerSentEvents(response.body)) {
      if (event === 'job' || (event !== null && FINAL_EVENTS.has(event))) {
        const job = JSON.parse(data) as JobView;
        onEvent?.({ type: event as 'job', job });
        if (event !== 'job') return job;
      } else {
        onEvent?.(JSON.parse(data) as JobStreamEvent);
      }
    }
    return null;
  }

  /**
   * `GET /v1/jobs/:id/result`: a synthesize job's audio bytes with their type, the result
   * JSON for the others. A 409 (`job_not_completed`) until the job has completed.
   */
  async result(id: string, options: { signal?: AbortSignal } = {}): Promise<JobResultBody> {
    const response = await this.http.request({ method: 'GET', path: `${jobPath(id)}/result`, ...options });
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    if (contentType.includes('json')) return { kind: 'json', result: (await response.json()) as NonNullable<JobView['result']> };
    return { kind: 'audio', contentType, bytes: new Uint8Array(await response.arrayBuffer()) };
  }
}
