import type { Request, Response } from 'express';
import type { Principal } from '@voxq/auth';
import { streamIdSchema, type JobView } from '@voxq/contracts';
import { AppError, errors, type ErrorType } from '@voxq/errors';
import { principalOf } from '../middleware/authenticate';
import { idempotencyKeyOf } from '../middleware/request-headers';
import type { JobService, JobWaiter, Submission } from '@voxq/intake';

/**
 * Shared by the one-shot surfaces (Speko's `/v1/transcribe|synthesize|complete`, the
 * OpenAI-style `/v1/chat/completions` and `/v1/audio/*`): each submits an ordinary voxq job
 * and waits, bounded by `API_SYNC_WAIT_MS`, for its record to become terminal.
 */
export interface OneShotDeps {
  jobs: JobService;
  waiter: () => JobWaiter;
  syncWaitMs: number;
  /** How the route's body names the job's `input` fields (`SubmitOptions.inputRoot`): `` for Speko's flat bodies. */
  inputRoot?: string;
}

/** `Prefer: respond-async` (RFC 7240): answer 202 with the job at once. */
export const prefersAsync = (req: Request) => /(^|[,;\s])respond-async([,;\s]|$)/i.test(req.header('prefer') ?? '');

/** A reconnecting client's `Last-Event-ID` (a stream id), checked; undefined when absent. */
export function lastEventIdOf(req: Request): string | undefined {
  const value = req.header('last-event-id');
  if (value === undefined || value === '') return undefined;
  const parsed = streamIdSchema.safeParse(value);
  if (!parsed.success) throw errors.invalidRequest(`Last-Event-ID ${parsed.error.issues[0]?.message ?? 'is invalid'}.`, 'Last-Event-ID');
  return parsed.data;
}

export const wantsEventStream = (req: Request) => (req.header('accept') ?? '').toLowerCase().includes('text/event-stream');

/** Aborts when the client goes away before the response is done. */
export function clientGone(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  req.on('aborted', () => controller.abort());
  return controller.signal;
}

export interface Outcome {
  principal: Principal;
  /** The job: terminal, or still queued/active when the wait ran out (or `Prefer: respond-async`). */
  job: JobView;
}

/** Submits the job and waits for it, up to the bound (not at all with `waitMs` 0). */
export async function submitAndWait(deps: OneShotDeps, req: Request, res: Response, submission: Submission, waitMs = deps.syncWaitMs): Promise<Outcome> {
  const principal = principalOf(req);
  const { view } = await deps.jobs.submit(principal, submission, idempotencyKeyOf(req), {
    requestId: req.id,
    ...(deps.inputRoot === undefined ? {} : { inputRoot: deps.inputRoot }),
  });
  if (waitMs <= 0) return { principal, job: view };
  return { principal, job: await waitFor(deps, req, res, view.id, waitMs) };
}

/** Waits for a submitted job, up to the bound or until the client goes away. */
export function waitFor(deps: OneShotDeps, req: Request, res: Response, jobId: string, waitMs = deps.syncWaitMs): Promise<JobView> {
  return deps.waiter().waitForJob(principalOf(req), jobId, waitMs, clientGone(req, res));
}

/**
 * An OpenAI route's finished job and result, or null once it has answered `202` to a caller
 * asking `Prefer: respond-async`. The official SDKs wait up to 10 minutes, so these routes
 * wait as long (`deps.syncWaitMs` is `API_OPENAI_WAIT_MS` for them) rather than turn a slow
 * job into a job object the SDK would misread; past it, a 504 naming the job.
 */
export async function openAiResult<R>(deps: OneShotDeps, req: Request, res: Response, submission: Submission): Promise<{ job: JobView; result: R } | null> {
  if (prefersAsync(req)) {
    const { job } = await submitAndWait(deps, req, res, submission, 0);
    sendPending(res, job);
    return null;
  }
  const { job } = await submitAndWait(deps, req, res, submission);
  if (job.status === 'queued' || job.status === 'active') {
    res.setHeader('X-Voxq-Job-Id', job.id);
    throw errors.jobWaitTimeout(job.id, job.status, deps.syncWaitMs);
  }
  if (job.status !== 'completed' || !job.result) throw jobError(job);
  return { job, result: job.result as R };
}

/** 202 with the job to poll, as `POST /v1/jobs` answers. */
export function sendPending(res: Response, job: JobView): void {
  res.status(202).location(`/v1/jobs/${job.id}`).setHeader('X-Voxq-Job-Id', job.id);
  res.json(job);
}

const STATUS_OF: Record<ErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  rate_limit_error: 429,
  provider_error: 502,
  api_error: 500,
};

/** A failed or cancelled job as the error a synchronous caller gets (status from its type). */
export function jobError(job: JobView): AppError {
  if (job.status === 'cancelled') return errors.conflict('job_cancelled', `Job ${job.id} was cancelled before it finished.`);
  const error = job.error;
  if (!error) return errors.internal(`Job ${job.id} failed without an error.`);
  const type = (error.type in STATUS_OF ? error.type : 'api_error') as ErrorType;
  return new AppError({ type, code: error.code, message: error.message, status: STATUS_OF[type], ...(error.param ? { param: error.param } : {}) });
}

/** Server-sent events on `res`: headers flushed at once, a comment every 15 s keeps proxies from timing out. */
const frame = (event: string | null, data: unknown, id?: string) =>
  `${id === undefined ? '' : `id: ${id}\n`}${event === null ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export interface EventStream {
  /** One event; `id` is the stream id a client resumes after (`Last-Event-ID`). */
  send(event: string | null, data: unknown, id?: string): void;
  /** Several events in one write (one syscall for a batch of stream pieces). */
  sendAll(events: ReadonlyArray<{ event: string | null; data: unknown; id?: string }>): void;
  end(): void;
}

export function openEventStream(res: Response): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  res.on('close', () => clearInterval(keepAlive));
  return {
    send(event, data, id) {
      if (res.writableEnded || res.destroyed) return;
      res.write(frame(event, data, id));
    },
    sendAll(events) {
      if (res.writableEnded || res.destroyed || events.length === 0) return;
      res.write(events.map((e) => frame(e.event, e.data, e.id)).join(''));
    },
    end() {
      clearInterval(keepAlive);
      if (!res.writableEnded) res.end();
    },
  };
}
