import { pipeline } from 'node:stream/promises';
import express, { Router, type Request, type Response } from 'express';
import type { Config } from '@voxq/config';
import { constraintsSchema, routingIntentSchema, type CompleteResult, type JobView, type SynthesizeResult, type TranscribeResult } from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import { parseOrThrow, type JobFeed, type JobService, type JobWaiter, type Submission } from '@voxq/intake';
import { ReplyTracker } from '@voxq/job-stream';
import type { ProviderRuntime } from '@voxq/providers';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import { checkChatParams, completeBodySchema, completeView, provenanceOf, routingHeaders, synthesizeBodySchema, transcribeView } from '@voxq/surfaces';
import { principalOf } from '../middleware/authenticate';
import { envelope } from '../middleware/error-handler';
import { jsonBody } from '../middleware/job-body';
import { jsonHeader } from '../middleware/request-headers';
import {
  clientGone,
  jobError,
  lastEventIdOf,
  openEventStream,
  prefersAsync,
  sendPending,
  submitAndWait,
  waitFor,
  wantsEventStream,
  type OneShotDeps,
} from './one-shot';

const AUDIO = ['audio/*', 'application/octet-stream'];

const errorData = (error: unknown) => envelope(error instanceof AppError ? error : errors.internal('Internal server error.'));

/**
 * Seed 000/001's one-shot endpoints: `POST /v1/transcribe`, `/v1/synthesize`, `/v1/complete`.
 * Each submits an ordinary job and waits (up to `API_SYNC_WAIT_MS`) for it; past the bound,
 * or with `Prefer: respond-async`, the answer is 202 with the job to poll. With
 * `Accept: text/event-stream` the answer is server-sent events ending in `done` or `error`.
 */
export function spekoRoutes(deps: {
  config: Config;
  jobs: JobService;
  objects: ObjectStore;
  waiter: JobWaiter;
  feed: JobFeed;
  providers: ProviderRuntime;
}): Router {
  const router = Router();
  const oneShot: OneShotDeps = { jobs: deps.jobs, waiter: () => deps.waiter, syncWaitMs: deps.config.api.syncWaitMs, inputRoot: '' };
  const rawAudio = express.raw({ limit: deps.config.api.audioLimitBytes, type: () => true });
  const audioBody: express.RequestHandler = (req, res, next) => {
    if (req.is(AUDIO)) return rawAudio(req, res, next);
    const type = req.headers['content-type'];
    next(
      errors.unsupportedMediaType(
        type
          ? `Unsupported Content-Type '${type}': send the audio as audio/* (e.g. audio/wav).`
          : 'Missing Content-Type: send the audio as audio/* (e.g. audio/wav).',
      ),
    );
  };

  /**
   * Runs a one-shot job: 202 at once (`Prefer: respond-async`) or past the wait bound, the
   * error envelope when it failed, else `onResult`. With SSE, `stream` handles the events.
   */
  async function run<R>(
    req: Request,
    res: Response,
    submission: Submission,
    onResult: (job: JobView, result: R) => Promise<void> | void,
    stream: (send: (event: string, data: unknown) => void, job: JobView, result: R) => void,
  ): Promise<void> {
    if (prefersAsync(req)) {
      const { job } = await submitAndWait(oneShot, req, res, submission, 0);
      return sendPending(res, job);
    }
    if (wantsEventStream(req)) {
      const { job: queued } = await submitAndWait(oneShot, req, res, submission, 0);
      const sse = openEventStream(res);
      try {
        const job = await waitFor(oneShot, req, res, queued.id);
        if (job.status === 'completed' && job.result) stream((e, d) => sse.send(e, d), job, job.result as R);
        else if (job.status === 'failed' || job.status === 'cancelled') sse.send('error', { ...envelope(jobError(job)), jobId: job.id });
        else {
          sse.send('error', {
            error: {
              type: 'api_error',
              code: 'job_pending',
              message: `Job ${job.id} is still ${job.status} after ${oneShot.syncWaitMs} ms; poll /v1/jobs/${job.id}.`,
              param: null,
            },
            jobId: job.id,
          });
        }
      } catch (error) {
        sse.send('error', errorData(error));
      }
      return sse.end();
    }
    const { job } = await submitAndWait(oneShot, req, res, submission);
    if (job.status === 'queued' || job.status === 'active') return sendPending(res, job);
    if (job.status !== 'completed' || !job.result) throw jobError(job);
    await onResult(job, job.result as R);
  }

  router.post('/v1/transcribe', audioBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw errors.invalidRequest('The audio body is empty.', 'body');
    const submission: Submission = {
      type: 'transcribe',
      input: { audio: { data: req.body, contentType: req.header('content-type')! } },
      intent: parseOrThrow(routingIntentSchema, jsonHeader(req, 'x-speko-intent') ?? {}, 'x-speko-intent'),
      constraints: parseOrThrow(constraintsSchema, jsonHeader(req, 'x-speko-constraints') ?? {}, 'x-speko-constraints'),
      metadata: {},
    };
    await run<TranscribeResult>(
      req,
      res,
      submission,
      (job, result) => {
        res.set(routingHeaders(job, result));
        res.json(transcribeView(result));
      },
      (send, job, result) => send('done', { ...transcribeView(result), jobId: job.id }),
    );
  });

  router.post('/v1/synthesize', jsonBody(deps.config), async (req, res) => {
    const { intent, constraints, metadata, ...input } = parseOrThrow(synthesizeBodySchema, req.body);
    await run<SynthesizeResult>(
      req,
      res,
      { type: 'synthesize', input, intent, constraints, metadata },
      async (job, result) => {
        const key = result.audio.key;
        if (!key || tenantOfKey(key) !== principalOf(req).tenantId) throw errors.notFound('result', job.id);
        const { body, object } = await deps.objects.getStream({ key });
        res.set(routingHeaders(job, result));
        res.setHeader('Content-Type', object.contentType);
        res.setHeader('Content-Length', String(object.size));
        await pipeline(body, res).catch(() => undefined);
      },
      // The audio itself is not sent over SSE: `done` carries the result with its download URL.
      (send, job, result) => send('done', { ...provenanceOf(result), audio: result.audio, usage: result.usage, jobId: job.id }),
    );
  });

  /**
   * `/v1/complete` as server-sent events while the worker streams the reply: `meta` as each
   * reply starts (its provider, model and tool-loop hop), `delta` per piece of text, then the
   * server-side tool calls, the client's tool calls and `done`. A provider that fails after
   * sending pieces ends the stream with an `error` (`stream_interrupted`): the pieces cannot
   * be taken back, and the job goes on.
   */
  async function streamComplete(req: Request, res: Response, submission: Submission): Promise<void> {
    const after = lastEventIdOf(req);
    const { principal, job: queued } = await submitAndWait(oneShot, req, res, submission, 0);
    res.setHeader('X-Voxq-Job-Id', queued.id);
    const sse = openEventStream(res);
    const tracker = new ReplyTracker(after);
    const fail = (error: unknown) => sse.send('error', { ...errorData(error), jobId: queued.id });
    try {
      for await (const item of deps.feed.follow(principal, queued.id, { waitMs: oneShot.syncWaitMs, signal: clientGone(req, res) })) {
        if (item.kind === 'items') {
          for (const event of tracker.read(item.items)) {
            if (event.type === 'reset') throw errors.streamInterrupted(queued.id, event.provider, event.message);
            if (event.replayed) continue;
            if (event.type === 'reply') sse.send('meta', { jobId: queued.id, provider: event.provider, model: event.model, hop: event.hop }, event.id);
            else if (event.delta.c) sse.send('delta', { text: event.delta.c }, event.id);
          }
          continue;
        }
        const { job } = item;
        if (job.status === 'failed' || job.status === 'cancelled') throw jobError(job);
        if (job.status !== 'completed' || !job.result) throw errors.jobWaitTimeout(job.id, job.status, oneShot.syncWaitMs);
        const result = job.result as CompleteResult;
        const outcome = tracker.outcome();
        if (outcome === 'broken') throw errors.streamInterrupted(job.id, result.provider, 'a later provider call did not stream');
        if (outcome === 'none') {
          sse.send('meta', { jobId: job.id, ...provenanceOf(result) });
          if (result.text) sse.send('delta', { text: result.text });
        }
        for (const call of result.serverToolCalls ?? []) sse.send('server_tool_call', call);
        for (const call of result.toolCalls ?? []) sse.send('tool_call', call);
        sse.send('done', { ...completeView(result), jobId: job.id });
      }
    } catch (error) {
      fail(error);
    }
    sse.end();
  }

  router.post('/v1/complete', jsonBody(deps.config), async (req, res) => {
    const { intent, constraints, metadata, ...input } = parseOrThrow(completeBodySchema, req.body);
    // A parameter no configured provider honours is a 400 naming it, before anything is queued.
    checkChatParams(deps.providers, { type: 'complete', input, intent, constraints, metadata }, (param) => param);
    if (wantsEventStream(req) && !prefersAsync(req)) {
      return streamComplete(req, res, { type: 'complete', input: { ...input, stream: true }, intent, constraints, metadata });
    }
    await run<CompleteResult>(
      req,
      res,
      { type: 'complete', input, intent, constraints, metadata },
      (job, result) => {
        res.set(routingHeaders(job, result));
        res.json(completeView(result));
      },
      // Event streams are served by `streamComplete`.
      () => undefined,
    );
  });

  return router;
}
