import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Principal } from '@voxq/auth';
import { streamIdSchema, type JobView, type SynthesizeResult } from '@voxq/contracts';
import { AppError, errors, type ErrorType } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import { routingHeaders } from '@voxq/surfaces';
import { principalOf } from '../middleware/authenticate';
import { errorBodyFor } from '../middleware/error-handler';
import { idempotencyKeyOf } from '../middleware/request-headers';
import type { Config } from '@voxq/config';
import type { InlineRunner, JobFeed, JobService, JobWaiter, Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';

/**
 * Shared by the one-shot surfaces (Speko's `/v1/transcribe|synthesize|complete`, the
 * OpenAI-style `/v1/chat/completions` and `/v1/audio/*`): each submits an ordinary voxq job
 * and waits, bounded by `API_SYNC_WAIT_MS`, for its record to become terminal; a chat call
 * that need not outlive its request runs in this process instead (`runInline`).
 */
/** What the one-shot routers (Speko's and OpenAI's) are built from. */
export interface OneShotRouteDeps {
  config: Config;
  logger: Logger;
  jobs: JobService;
  objects: ObjectStore;
  waiter: JobWaiter;
  feed: JobFeed;
  providers: ProviderRuntime;
  /** Runs synchronous chat calls in this process (absent or null: all are queued). */
  inline?: InlineRunner | null;
}

export interface OneShotDeps {
  jobs: JobService;
  waiter: () => JobWaiter;
  syncWaitMs: number;
  logger: Logger;
  /** How the route's body names the job's `input` fields (`SubmitOptions.inputRoot`): `` for Speko's flat bodies. */
  inputRoot?: string;
  /** Runs synchronous chat calls in this process (absent or null: all are queued). */
  inline?: InlineRunner | null;
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

/** Aborts when the client goes away before the response is done, or its stream was closed for a revoked key. */
export function clientGone(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  (res.locals['revoked'] as AbortSignal | undefined)?.addEventListener('abort', () => controller.abort(), { once: true });
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

/**
 * A synchronous call's job belongs to its caller: when the client goes away before the
 * answer is whole, the job is cancelled (a running provider call is aborted), so an aborted
 * SDK call neither runs on nor bills. Unless the client may come back for it: a webhook
 * will tell it, or it sent an `Idempotency-Key` (a repeat, or a stream resumed with
 * `Last-Event-ID`, finds the job again).
 */
export function cancelIfAbandoned(deps: OneShotDeps, req: Request, res: Response, submission: Submission, jobId: string): void {
  if (req.header('idempotency-key') !== undefined || submission.webhook) return;
  const principal = principalOf(req);
  res.on('close', () => {
    if (res.writableFinished) return;
    deps.jobs.cancel(principal, jobId).then(
      () => deps.logger.info({ jobId, reqId: req.id }, 'client went away: job cancelled'),
      (error: unknown) => {
        // It ended first (or is gone): nothing left to cancel.
        if (error instanceof AppError && (error.code === 'job_not_cancellable' || error.code === 'job_not_found')) return;
        deps.logger.warn({ err: error, jobId, reqId: req.id }, 'could not cancel the job of a client that went away');
      },
    );
  });
}

/** Submits a synchronous call's job (cancelled if its client goes away) without waiting; `charged`: it was, when it was tried inline. */
export async function submitSync(deps: OneShotDeps, req: Request, res: Response, submission: Submission, charged = false): Promise<Outcome> {
  const outcome = await submitAndWait(deps, req, res, submission, 0, charged);
  cancelIfAbandoned(deps, req, res, submission, outcome.job.id);
  return outcome;
}

/** Submits the job and waits for it, up to the bound (not at all with `waitMs` 0). */
export async function submitAndWait(
  deps: OneShotDeps,
  req: Request,
  res: Response,
  submission: Submission,
  waitMs = deps.syncWaitMs,
  charged = false,
): Promise<Outcome> {
  const principal = principalOf(req);
  const { view } = await deps.jobs.submit(principal, submission, idempotencyKeyOf(req), {
    requestId: req.id,
    ...(deps.inputRoot === undefined ? {} : { inputRoot: deps.inputRoot }),
    ...(charged ? { charged } : {}),
  });
  if (waitMs <= 0) return { principal, job: view };
  return { principal, job: await waitFor(deps, req, res, view.id, waitMs) };
}

/** Waits for a submitted job, up to the bound or until the client goes away. */
export function waitFor(deps: OneShotDeps, req: Request, res: Response, jobId: string, waitMs = deps.syncWaitMs): Promise<JobView> {
  return deps.waiter().waitForJob(principalOf(req), jobId, waitMs, clientGone(req, res));
}

/**
 * A synchronous chat call runs in this process when it can (`InlineRunner`): a `complete` job
 * with nothing that must outlive the request, that is no webhook, no webhook-mode tools (they
 * wait for the dispatcher) and no `Idempotency-Key` (a repeat must find the job), while this
 * process has a slot free. Anything else, or a try a retry may mend, is queued.
 */
async function runInline(
  deps: OneShotDeps,
  req: Request,
  res: Response,
  submission: Submission,
): Promise<{ kind: 'finished'; job: JobView } | { kind: 'queue' } | { kind: 'queue-charged' }> {
  const runner = deps.inline;
  const eligible =
    runner?.hasRoom() &&
    submission.type === 'complete' &&
    !submission.webhook &&
    !submission.input.tools?.some((t) => t.executionMode === 'webhook') &&
    req.header('idempotency-key') === undefined;
  if (!runner || !eligible) return { kind: 'queue' };
  const job = await runner.run(principalOf(req), submission, { requestId: req.id, signal: clientGone(req, res) });
  return job ? { kind: 'finished', job } : { kind: 'queue-charged' };
}

/**
 * A one-shot route's finished job and result, or null once it has answered `202` to a caller
 * asking `Prefer: respond-async`. The SDKs wait long (OpenAI's up to 10 minutes, Speko's as
 * long as its caller's timeout), so these routes wait as long (`API_OPENAI_WAIT_MS`,
 * `API_SPEKO_WAIT_MS`) rather than turn a slow job into a job object the SDK would misread
 * as its result; past it, a 504 naming the job. A client that goes away cancels the job.
 */
export async function syncResult<R>(deps: OneShotDeps, req: Request, res: Response, submission: Submission): Promise<{ job: JobView; result: R } | null> {
  if (prefersAsync(req)) {
    const { job } = await submitAndWait(deps, req, res, submission, 0);
    sendPending(res, job);
    return null;
  }
  const inline = await runInline(deps, req, res, submission);
  let job: JobView;
  if (inline.kind === 'finished') job = inline.job;
  else {
    const { job: queued } = await submitSync(deps, req, res, submission, inline.kind === 'queue-charged');
    job = await waitFor(deps, req, res, queued.id);
  }
  if (job.status === 'queued' || job.status === 'active') {
    res.setHeader('X-Voxq-Job-Id', job.id);
    throw errors.jobWaitTimeout(job.id, job.status, deps.syncWaitMs);
  }
  if (job.status !== 'completed' || !job.result) throw jobError(job);
  return { job, result: job.result as R };
}

/** A synthesize job's audio as the answer, with its routing headers (Speko's `/v1/synthesize`, OpenAI's speech). */
export async function sendAudio(objects: ObjectStore, req: Request, res: Response, done: { job: JobView; result: SynthesizeResult }): Promise<void> {
  const key = done.result.audio.key;
  if (!key || tenantOfKey(key) !== principalOf(req).tenantId) throw errors.notFound('result', done.job.id);
  const { body, object } = await objects.getStream({ key });
  res.set(routingHeaders(done.job, done.result));
  res.setHeader('Content-Type', object.contentType);
  res.setHeader('Content-Length', String(object.size));
  // The wait's and the cancel's listeners are on `res` already; the pipeline adds its own.
  res.setMaxListeners(20);
  // A client gone mid-body ends the pipeline: nothing left to answer.
  await pipeline(body, res).catch(() => undefined);
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

/** How often an open stream asks whether its key still stands (the answer is cached for the revocation window). */
const REVOCATION_CHECK_MS = 1_000;

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

/**
 * @param keepAlive a comment every 15 s so proxies keep an idle stream open. Off for clients
 * that read a comment as an event (the Speko SDK yields it as a `message`).
 */
export function openEventStream(res: Response, keepAlive = true): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const timer = keepAlive ? setInterval(() => res.write(': keep-alive\n\n'), 15_000) : undefined;
  const revoked = new AbortController();
  res.locals['revoked'] = revoked.signal;
  // A stream outlives the request that opened it: its key is asked after again (the answer is
  // cached in-process for the revocation window), and the stream closes once it is revoked.
  const stillValid = res.locals['keyStillValid'] as (() => Promise<boolean>) | undefined;
  const watch = stillValid
    ? setInterval(() => {
        void stillValid().then(
          (valid) => valid || close(),
          () => undefined, // Redis unreachable: the key's standing is unknown, not revoked.
        );
      }, REVOCATION_CHECK_MS)
    : undefined;
  const close = () => {
    if (res.writableEnded || res.destroyed) return;
    res.write(frame('error', errorBodyFor(res.req, errors.unauthenticated('The API key was revoked; the stream is closed.'))));
    revoked.abort();
    stop();
  };
  const stop = () => {
    clearInterval(timer);
    clearInterval(watch);
    if (!res.writableEnded) res.end();
  };
  res.on('close', () => {
    clearInterval(timer);
    clearInterval(watch);
  });
  return {
    send(event, data, id) {
      if (res.writableEnded || res.destroyed) return;
      res.write(frame(event, data, id));
    },
    sendAll(events) {
      if (res.writableEnded || res.destroyed || events.length === 0) return;
      res.write(events.map((e) => frame(e.event, e.data, e.id)).join(''));
    },
    end: stop,
  };
}
