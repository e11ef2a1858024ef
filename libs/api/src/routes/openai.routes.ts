import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { CompleteResult, SynthesizeResult, TranscribeResult } from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import { parseOrThrow, type Submission } from '@voxq/intake';
import {
  audioTypeOf,
  ChatChunkStream,
  chatCompletion,
  type ChunkStep,
  chatCompletionRequestSchema,
  chatSubmission,
  openAiErrorBody,
  renderTranscription,
  routingHeaders,
  speechRequestSchema,
  speechSubmission,
  timestampGranularitiesOf,
  transcriptionFormatOf,
  transcriptionRequest,
} from '@voxq/surfaces';
import { fromExpress } from '../middleware/error-handler';
import { jsonBody } from '../middleware/job-body';
import {
  clientGone,
  jobError,
  lastEventIdOf,
  openEventStream,
  prefersAsync,
  sendAudio,
  sendPending,
  submitAndWait,
  submitSync,
  syncResult,
  type OneShotDeps,
  type OneShotRouteDeps,
} from './one-shot';
import { openAiEmbeddingRoutes } from './openai-embeddings.routes';
import { openAiImageRoutes } from './openai-images.routes';

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
 * `/v1/audio/transcriptions`, `/v1/audio/translations`, `/v1/embeddings` and `/v1/images/generations`, so the official SDKs work with
 * `baseURL` pointed at voxq. Each runs an ordinary voxq job and waits for it, as long as the
 * SDKs do (`API_OPENAI_WAIT_MS`); 202 with the job only for `Prefer: respond-async`.
 */
export function openAiRoutes(deps: OneShotRouteDeps): Router {
  const router = Router();
  const waitMs = deps.config.api.openAiWaitMs;
  const oneShot: OneShotDeps = { jobs: deps.jobs, waiter: () => deps.waiter, syncWaitMs: waitMs, logger: deps.logger, inline: deps.inline ?? null };
  // The multipart body is read whole (bounded), then parsed by undici's FormData parser.
  const multipartLimit = deps.config.api.audioLimitBytes + 1_048_576;
  const rawMultipart = express.raw({ limit: multipartLimit, type: () => true });
  const multipart: express.RequestHandler = (req, res, next) =>
    req.is('multipart/form-data')
      ? rawMultipart(req, res, next)
      : next(errors.unsupportedMediaType('Send the audio as multipart/form-data with a `file` field.'));

  const finished = <R>(req: Request, res: Response, submission: Submission) => syncResult<R>(oneShot, req, res, submission);

  router.post('/v1/chat/completions', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(chatCompletionRequestSchema, req.body);
    // Checked like any job request, with errors naming the request's fields (`messages.0.content`).
    const checked = chatSubmission(deps.providers, body);
    // A streamed job asks its provider to stream and publishes the pieces (docs/streaming.md).
    const submission = body.stream && checked.type === 'complete' ? { ...checked, input: { ...checked.input, stream: true } } : checked;
    if (!body.stream) {
      const done = await finished<CompleteResult>(req, res, submission);
      if (!done) return;
      res.set(routingHeaders(done.job, done.result));
      return void res.json(chatCompletion(done.job, done.result));
    }
    if (prefersAsync(req)) return sendPending(res, (await submitAndWait(oneShot, req, res, submission, 0)).job);
    await streamChat(req, res, submission, body.model, body.stream_options?.include_usage === true);
  });

  /**
   * `chat.completion.chunk` events as the worker streams the reply (through the job's delta
   * stream, so any replica serves it), ending `data: [DONE]`, or an error event. A client
   * that reconnects with the same `Idempotency-Key` and `Last-Event-ID` gets the same job's
   * stream from where it was.
   */
  async function streamChat(req: Request, res: Response, submission: Submission, model: string | undefined, includeUsage: boolean) {
    const after = lastEventIdOf(req);
    const { principal, job: queued } = await submitSync(oneShot, req, res, submission);
    res.setHeader('X-Voxq-Job-Id', queued.id);
    const sse = openEventStream(res);
    const relay = new ChatChunkStream(queued, model, includeUsage, after);
    const write = (step: ChunkStep) => {
      sse.sendAll([...step.chunks.map((chunk) => ({ event: null, ...chunk })), ...(step.error ? [{ event: null, data: openAiErrorBody(step.error) }] : [])]);
      return step.error !== undefined;
    };
    try {
      // Read from the start even on resume: the relay must know where the reply stands.
      const feed = deps.feed.follow(principal, queued.id, { waitMs, signal: clientGone(req, res) });
      for await (const item of feed) {
        if (item.kind === 'items') {
          if (write(relay.items(item.items))) break;
          continue;
        }
        const { job } = item;
        if (job.status === 'queued' || job.status === 'active') write({ chunks: [], error: errors.jobWaitTimeout(job.id, job.status, waitMs) });
        else if (job.status !== 'completed' || !job.result) write({ chunks: [], error: jobError(job) });
        else if (!write(relay.finish(job, job.result as CompleteResult))) sse.send(null, '[DONE]');
      }
    } catch (error) {
      write({ chunks: [], error: error instanceof AppError ? error : errors.internal('Internal server error.') });
    }
    sse.end();
  }

  router.post('/v1/audio/speech', jsonBody(deps.config), async (req, res) => {
    const body = parseOrThrow(speechRequestSchema, req.body);
    const done = await finished<SynthesizeResult>(req, res, speechSubmission(deps.providers, body));
    if (!done) return;
    await sendAudio(deps.objects, req, res, done);
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

  openAiEmbeddingRoutes(router, deps, oneShot);
  openAiImageRoutes(router, deps, oneShot);
  router.use(openAiErrors);
  return router;
}
