import express, { Router, type Request } from 'express';
import { constraintsSchema, routingIntentSchema, type CompleteResult, type Metadata, type SynthesizeResult, type TranscribeResult } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { parseOrThrow, type Submission } from '@voxq/intake';
import {
  checkChatParams,
  checkSynthesizeJob,
  completeBodySchema,
  completeView,
  provenanceOf,
  routingHeaders,
  sessionIdSchema,
  spekoAnswerForm,
  sttOptionsHeaderSchema,
  synthesizeBodySchema,
  transcribeView,
} from '@voxq/surfaces';
import { jsonBody } from '../middleware/job-body';
import { jsonHeader } from '../middleware/request-headers';
import { prefersAsync, sendAudio, syncResult, type OneShotDeps, type OneShotRouteDeps } from './one-shot';
import { streamComplete, streamWhole } from './speko-events';

const AUDIO = ['audio/*', 'application/octet-stream'];

/** The SDK's `sessionId` (body or `x-session-id`), kept in the job's metadata for attribution. */
function withSession(metadata: Metadata, req: Request, bodySessionId?: string): Metadata {
  const header = req.header('x-session-id');
  const sessionId = bodySessionId ?? (header === undefined ? undefined : parseOrThrow(sessionIdSchema, header, 'x-session-id'));
  return sessionId === undefined ? metadata : { ...metadata, sessionId };
}

/**
 * Seed 000/001's one-shot endpoints, `POST /v1/transcribe`, `/v1/synthesize` and
 * `/v1/complete`, on the wire the Speko SDK speaks (docs/speko.md):
 * - each runs an ordinary job and answers its result, waiting as long as `API_SYNC_WAIT_MS`
 *   (then a 504 naming the job); `202` with the job only for `Prefer: respond-async`;
 * - transcribe and complete answer server-sent events ending in `done` or `error` when the
 *   client asks for them or is the Speko SDK (`spekoAnswerForm`), else JSON (seed 000's curl);
 *   synthesize answers the audio itself (events only when asked by name);
 * - a client that goes away cancels its job; errors are Speko's `{error, code}`.
 */
export function spekoRoutes(deps: OneShotRouteDeps): Router {
  const router = Router();
  const oneShot: OneShotDeps = {
    jobs: deps.jobs,
    waiter: () => deps.waiter,
    syncWaitMs: deps.config.api.syncWaitMs,
    logger: deps.logger,
    inputRoot: '',
    inline: deps.inline ?? null,
  };
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
  const answerForm = (req: Request) => spekoAnswerForm(req.header('accept'), req.header('user-agent'));
  const wantsEvents = (req: Request) => !prefersAsync(req) && answerForm(req) === 'events';

  router.post('/v1/transcribe', audioBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw errors.invalidRequest('The audio body is empty.', 'body');
    const { keywords } = parseOrThrow(sttOptionsHeaderSchema, jsonHeader(req, 'x-speko-stt-options') ?? {}, 'x-speko-stt-options');
    const submission: Submission = {
      type: 'transcribe',
      input: { audio: { data: req.body, contentType: req.header('content-type')! }, ...(keywords ? { keywords } : {}) },
      intent: parseOrThrow(routingIntentSchema, jsonHeader(req, 'x-speko-intent') ?? {}, 'x-speko-intent'),
      constraints: parseOrThrow(constraintsSchema, jsonHeader(req, 'x-speko-constraints') ?? {}, 'x-speko-constraints'),
      metadata: withSession({}, req),
    };
    if (wantsEvents(req)) {
      return streamWhole<TranscribeResult>(oneShot, req, res, submission, (send, job, result) => {
        const view = transcribeView(result);
        send('meta', { ...provenanceOf(result), jobId: job.id });
        // The provider answers whole: one final transcript (the SDK's `transcript` event).
        send('transcript', { text: view.text, isFinal: true, confidence: view.confidence });
        send('done', { ...view, jobId: job.id });
      });
    }
    const done = await syncResult<TranscribeResult>(oneShot, req, res, submission);
    if (!done) return;
    res.set(routingHeaders(done.job, done.result));
    res.json(transcribeView(done.result));
  });

  router.post('/v1/synthesize', jsonBody(deps.config), async (req, res) => {
    const { intent, constraints, metadata, ...input } = parseOrThrow(synthesizeBodySchema, req.body);
    const submission: Submission = { type: 'synthesize', input, intent, constraints, metadata: withSession(metadata, req) };
    // A `model` no configured speech provider serves is a 404 (and a spoken form with nothing to say a 400), before anything is queued.
    checkSynthesizeJob(deps.providers, submission);
    // The SDK reads the audio itself; events only for a client that names them.
    if (!prefersAsync(req) && spekoAnswerForm(req.header('accept'), undefined) === 'events') {
      // The audio is not sent over SSE: `done` carries the result with its download URL.
      return streamWhole<SynthesizeResult>(oneShot, req, res, submission, (send, job, result) => {
        const { unusedParams, spokenForm } = result;
        send('done', {
          ...provenanceOf(result),
          audio: result.audio,
          usage: result.usage,
          ...(unusedParams ? { unusedParams } : {}),
          ...(spokenForm ? { spokenForm } : {}),
          jobId: job.id,
        });
      });
    }
    const done = await syncResult<SynthesizeResult>(oneShot, req, res, submission);
    if (!done) return;
    await sendAudio(deps.objects, req, res, done);
  });

  router.post('/v1/complete', jsonBody(deps.config), async (req, res) => {
    const { intent, constraints, metadata, sessionId, ...input } = parseOrThrow(completeBodySchema, req.body);
    const submission: Submission = { type: 'complete', input, intent, constraints, metadata: withSession(metadata, req, sessionId) };
    // A parameter no configured provider honours is a 400 naming it, before anything is queued.
    checkChatParams(deps.providers, submission, (param) => param);
    if (wantsEvents(req)) return streamComplete({ ...oneShot, feed: deps.feed }, req, res, { ...submission, input: { ...input, stream: true } });
    const done = await syncResult<CompleteResult>(oneShot, req, res, submission);
    if (!done) return;
    res.set(routingHeaders(done.job, done.result));
    res.json(completeView(done.result));
  });

  return router;
}
