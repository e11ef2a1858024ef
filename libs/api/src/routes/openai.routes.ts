import { pipeline } from 'node:stream/promises';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Config } from '@voxq/config';
import { jobRequestSchema, type CompleteResult, type JobView, type SynthesizeResult, type TranscribeResult } from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import { parseOrThrow, type JobService, type JobWaiter, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import {
  audioTypeOf,
  chatCompletion,
  chatCompletionChunks,
  chatCompletionRequestSchema,
  completeRequest,
  openAiErrorBody,
  renderTranscription,
  routingHeaders,
  speechRequest,
  speechRequestSchema,
  timestampGranularitiesOf,
  transcriptionFormatOf,
  transcriptionRequest,
} from '@voxq/surfaces';
import { principalOf } from '../middleware/authenticate';
import { fromExpress } from '../middleware/error-handler';
import { jsonBody } from '../middleware/job-body';
import { jobError, openEventStream, prefersAsync, sendPending, submitAndWait, waitFor, type OneShotDeps } from './one-shot';

/** OpenAI's error envelope `{error: {message, type, param, code}}`, for this router's routes only. */
export const openAiErrors: ErrorRequestHandler = (thrown, _req, res, next) => {
  // A malformed or oversized body fails in the body parser, a bad path in the router: still this surface's envelope.
  const error = thrown instanceof AppError ? thrown : thrown && typeof thrown === 'object' ? fromExpress(thrown) : null;
  if (!error || res.headersSent) return next(thrown);
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(error.status).json(openAiErrorBody(error));
};

/**
 * OpenAI-style surfaces (seeds 002/004): `POST /v1/chat/completions`, `/v1/audio/speech`,
 * `/v1/audio/transcriptions` and `/v1/audio/translations`, so the official SDKs work with
 * `baseURL` pointed at voxq. Each runs an ordinary voxq job and waits for it (up to
 * `API_SYNC_WAIT_MS`; past it, or with `Prefer: respond-async`, 202 with the job).
 */
export function openAiRoutes(deps: { config: Config; jobs: JobService; objects: ObjectStore; waiter: JobWaiter; providers: ProviderRuntime }): Router {
  const router = Router();
  const oneShot: OneShotDeps = { jobs: deps.jobs, waiter: () => deps.waiter, syncWaitMs: deps.config.api.syncWaitMs };
  // The multipart body is read whole (bounded), then parsed by undici's FormData parser.
  const multipartLimit = deps.config.api.audioLimitBytes + 1_048_576;
  const rawMultipart = express.raw({ limit: multipartLimit, type: () => true });
  const multipart: express.RequestHandler = (req, res, next) =>
    req.is('multipart/form-data')
      ? rawMultipart(req, res, next)
      : next(errors.unsupportedMediaType('Send the audio as multipart/form-data with a `file` field.'));

  /** The finished job's result, or the 202 / error a synchronous caller gets instead. */
  async function finished<R>(req: Request, res: Response, submission: Submission): Promise<{ job: JobView; result: R } | null> {
    const { job } = await submitAndWait(oneShot, req, res, submission, prefersAsync(req) ? 0 : oneShot.syncWaitMs);
    if (job.status === 'queued' || job.status === 'active') {
      sendPending(res, job);
      return null;
    }
    if (job.status !== 'completed' || !job.result) throw jobError(job);
    return { job, result: job.result as R };
  }

  router.post('/v1/chat/completions', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(chatCompletionRequestSchema, req.body);
    // Checked like any job request, so bad input is a 400 naming the field (`input.messages.0.content`).
    const submission = parseOrThrow(jobRequestSchema, completeRequest(deps.providers, body)) as Submission;
    if (!body.stream) {
      const done = await finished<CompleteResult>(req, res, submission);
      if (!done) return;
      res.set(routingHeaders(done.job, done.result));
      return void res.json(chatCompletion(done.job, done.result));
    }

    // Streaming: `chat.completion.chunk` events ending `data: [DONE]`. voxq jobs are not
    // token-streamed (a worker produces the whole reply), so the content is one chunk.
    const { job: queued } = await submitAndWait(oneShot, req, res, submission, 0);
    const sse = openEventStream(res);
    const fail = (error: AppError) => sse.send(null, openAiErrorBody(error));
    try {
      const job = await waitFor(oneShot, req, res, queued.id);
      if (job.status === 'queued' || job.status === 'active') {
        fail(errors.conflict('job_pending', `Job ${job.id} is still ${job.status} after ${oneShot.syncWaitMs} ms; poll /v1/jobs/${job.id}.`));
      } else if (job.status !== 'completed' || !job.result) fail(jobError(job));
      else {
        const chunks = chatCompletionChunks(job, job.result as CompleteResult, body.stream_options?.include_usage === true);
        for (const chunk of chunks) sse.send(null, chunk);
        sse.send(null, '[DONE]');
      }
    } catch (error) {
      fail(error instanceof AppError ? error : errors.internal('Internal server error.'));
    }
    sse.end();
  });

  router.post('/v1/audio/speech', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(speechRequestSchema, req.body);
    const done = await finished<SynthesizeResult>(req, res, parseOrThrow(jobRequestSchema, speechRequest(deps.providers, body)) as Submission);
    if (!done) return;
    const key = done.result.audio.key;
    if (!key || tenantOfKey(key) !== principalOf(req).tenantId) throw errors.notFound('result', done.job.id);
    const { body: audio, object } = await deps.objects.getStream({ key });
    res.set(routingHeaders(done.job, done.result));
    res.setHeader('Content-Type', object.contentType);
    res.setHeader('Content-Length', String(object.size));
    await pipeline(audio, res).catch(() => undefined);
  });

  const transcription = (task: 'transcribe' | 'translate') =>
    async function (req: Request, res: Response) {
      const form = await new Response(req.body as Buffer, { headers: { 'content-type': req.header('content-type')! } }).formData().catch(() => {
        throw errors.invalidRequest('The multipart body could not be parsed.', 'file');
      });
      const file = form.get('file');
      if (!file || typeof file === 'string') throw errors.invalidRequest('A `file` field with the audio is required.', 'file');
      const format = transcriptionFormatOf(String(form.get('response_format') ?? 'json'));
      const granularities = timestampGranularitiesOf(form.getAll('timestamp_granularities[]').map(String), format);
      const language = form.get('language');
      const data = Buffer.from(await file.arrayBuffer());
      if (data.length === 0) throw errors.invalidRequest('The audio file is empty.', 'file');
      const model = form.get('model');
      const submission = transcriptionRequest(deps.providers, {
        task,
        audio: { data, contentType: audioTypeOf(file) },
        language: typeof language === 'string' ? language : undefined,
        model: typeof model === 'string' ? model : undefined,
        words: granularities.includes('word'),
      });
      const done = await finished<TranscribeResult>(req, res, submission);
      if (!done) return;
      res.set(routingHeaders(done.job, done.result));
      const { contentType, body } = renderTranscription(format, done.result, task, submission.intent.language, granularities);
      if (typeof body !== 'string') return void res.json(body);
      res.setHeader('Content-Type', contentType);
      res.send(body);
    };

  router.post('/v1/audio/transcriptions', multipart, transcription('transcribe'));
  router.post('/v1/audio/translations', multipart, transcription('translate'));

  router.use(openAiErrors);
  return router;
}
