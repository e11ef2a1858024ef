import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '@voxq/config';
import {
  jobRequestSchema,
  routingIntentSchema,
  type Capability,
  type ChatMessage,
  type CompleteResult,
  type Constraints,
  type JobView,
  type SynthesizeResult,
  type TranscribeResult,
} from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import { listModels, type ProviderRuntime } from '@voxq/providers';
import { tenantOfKey, type ObjectStore } from '@voxq/storage';
import type { Redis } from 'ioredis';
import { principalOf } from '../middleware/authenticate';
import { fromExpress } from '../middleware/error-handler';
import { jsonBody } from '../middleware/job-body';
import type { JobService, Submission } from '../services/job-service';
import { jobWaiterFor } from '../services/job-waiter';
import { renderTranscription, TRANSCRIPTION_FORMATS } from '../services/transcription-formats';
import { parseOrThrow } from '../validation';
import { jobError, openEventStream, prefersAsync, sendPending, submitAndWait, waitFor, type OneShotDeps } from './one-shot';

// --- Request shapes (OpenAI's; unknown fields are ignored, as OpenAI-compatible servers do) ---

const textPartsSchema = z.array(z.looseObject({ type: z.string(), text: z.string().optional() }));
const contentSchema = z.union([z.string(), textPartsSchema]).nullable().optional();

const openAiToolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const openAiMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: contentSchema }),
  z.looseObject({ role: z.literal('user'), content: contentSchema }),
  z.looseObject({ role: z.literal('assistant'), content: contentSchema, tool_calls: z.array(openAiToolCallSchema).optional() }),
  z.looseObject({ role: z.literal('tool'), content: contentSchema, tool_call_id: z.string().min(1) }),
]);

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  messages: z.array(openAiMessageSchema).min(1),
  temperature: z.number().nullable().optional(),
  max_tokens: z.number().int().nullable().optional(),
  max_completion_tokens: z.number().int().nullable().optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
});
type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export const speechRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  input: z.string(),
  voice: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
  speed: z.number().optional(),
  /** Ignored: the audio comes in the format its provider produces (see `Content-Type`). */
  response_format: z.string().optional(),
});

// --- Mapping -------------------------------------------------------------------------------

const textOf = (content: z.infer<typeof contentSchema>) =>
  typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');

function toMessages(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content) };
      case 'user':
        return { role: 'user', content: textOf(m.content) };
      case 'assistant':
        return {
          role: 'assistant',
          content: textOf(m.content),
          ...(m.tool_calls?.length ? { toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, args: c.function.arguments })) } : {}),
        };
      case 'tool':
        return { role: 'tool', content: textOf(m.content), toolCallId: m.tool_call_id };
    }
  });
}

/** A `model` naming a configured provider's model pins that provider and model; any other is ignored. */
export function pinModel(runtime: ProviderRuntime, capability: Capability, model: string | undefined): Constraints {
  if (!model) return {};
  const entry = listModels(runtime, capability).find((m) => m.id === model);
  if (!entry) return {};
  return { allowedProviders: { [capability]: [entry.owned_by] }, models: { [capability]: model } };
}

export function completeRequest(runtime: ProviderRuntime, body: ChatCompletionRequest) {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const choice = body.tool_choice;
  return {
    type: 'complete' as const,
    input: {
      messages: toMessages(body.messages),
      ...(body.temperature == null ? {} : { temperature: body.temperature }),
      ...(maxTokens == null ? {} : { maxTokens }),
      ...(body.reasoning_effort == null ? {} : { reasoningEffort: body.reasoning_effort }),
      ...(body.tools?.length
        ? { tools: body.tools.map((t) => ({ name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters ?? { type: 'object', properties: {} } })) }
        : {}),
      ...(choice === undefined ? {} : { toolChoice: typeof choice === 'string' ? choice : { name: choice.function.name } }),
      ...(body.parallel_tool_calls === undefined ? {} : { parallelToolCalls: body.parallel_tool_calls }),
    },
    constraints: pinModel(runtime, 'llm', body.model),
  };
}

/** The synthesize job request for an OpenAI speech request (validated by the caller). */
export function speechRequest(runtime: ProviderRuntime, body: z.infer<typeof speechRequestSchema>) {
  const constraints = pinModel(runtime, 'tts', body.model);
  // OpenAI's voice names mean something only to the provider the model pinned; otherwise
  // the chosen provider's default voice is used.
  const voice = constraints.models?.tts && body.voice ? (typeof body.voice === 'string' ? body.voice : body.voice.id) : null;
  return { type: 'synthesize' as const, input: { text: body.input, voice, speed: body.speed ?? 1 }, constraints };
}

const completionId = (job: JobView) => `chatcmpl-${job.id}`;
const createdOf = (job: JobView) => Math.floor(Date.parse(job.createdAt) / 1000);
const openAiToolCalls = (r: CompleteResult) => r.toolCalls?.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } }));
const openAiUsage = (r: CompleteResult) => ({
  prompt_tokens: r.usage.promptTokens,
  completion_tokens: r.usage.completionTokens,
  total_tokens: r.usage.promptTokens + r.usage.completionTokens,
});

/** OpenAI's `chat.completion` object. */
export function chatCompletion(job: JobView, r: CompleteResult) {
  const toolCalls = openAiToolCalls(r);
  return {
    id: completionId(job),
    object: 'chat.completion' as const,
    created: createdOf(job),
    model: r.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: toolCalls?.length && !r.text ? null : r.text, refusal: null, ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: r.finishReason,
        logprobs: null,
      },
    ],
    usage: openAiUsage(r),
  };
}

function setRoutingHeaders(res: Response, job: JobView, r: Pick<CompleteResult, 'provider' | 'model' | 'failoverCount' | 'scoresRunId'>): void {
  res.setHeader('X-Speko-Provider', r.provider);
  res.setHeader('X-Speko-Model', r.model);
  res.setHeader('X-Speko-Failover-Count', String(r.failoverCount));
  if (r.scoresRunId) res.setHeader('X-Speko-Scores-Run-Id', r.scoresRunId);
  res.setHeader('X-Voxq-Job-Id', job.id);
}

const AUDIO_EXTENSIONS: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.mpga': 'audio/mpeg',
  '.mpeg': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.webm': 'audio/webm',
  '.flac': 'audio/flac',
};

/** The file's own type when it is audio, else one guessed from its name. */
function audioTypeOf(file: File): string {
  if (/^audio\//i.test(file.type)) return file.type;
  return AUDIO_EXTENSIONS[extname(file.name).toLowerCase()] ?? 'application/octet-stream';
}

/** OpenAI's error envelope `{error: {message, type, param, code}}`, for this router's routes only. */
export const openAiErrors: ErrorRequestHandler = (thrown, _req, res, next) => {
  // A malformed or oversized body fails in the body parser, a bad path in the router: still this surface's envelope.
  const error = thrown instanceof AppError ? thrown : thrown && typeof thrown === 'object' ? fromExpress(thrown) : null;
  if (!error || res.headersSent) return next(thrown);
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(error.status).json({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } });
};

/**
 * OpenAI-style surfaces (seeds 002/004): `POST /v1/chat/completions`, `/v1/audio/speech`,
 * `/v1/audio/transcriptions` and `/v1/audio/translations`, so the official SDKs work with
 * `baseURL` pointed at voxq. Each runs an ordinary voxq job and waits for it (up to
 * `API_SYNC_WAIT_MS`; past it, or with `Prefer: respond-async`, 202 with the job).
 */
export function openAiRoutes(deps: { config: Config; jobs: JobService; objects: ObjectStore; redis: Redis; providers: ProviderRuntime }): Router {
  const router = Router();
  const oneShot: OneShotDeps = { jobs: deps.jobs, waiter: jobWaiterFor(deps), syncWaitMs: deps.config.api.syncWaitMs };
  // The multipart body is read whole (bounded), then parsed by undici's FormData parser.
  const multipartLimit = deps.config.api.audioLimitBytes + 1_048_576;
  const rawMultipart = express.raw({ limit: multipartLimit, type: () => true });
  const multipart: express.RequestHandler = (req, res, next) =>
    req.is('multipart/form-data') ? rawMultipart(req, res, next) : next(errors.unsupportedMediaType('Send the audio as multipart/form-data with a `file` field.'));

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
      setRoutingHeaders(res, done.job, done.result);
      return void res.json(chatCompletion(done.job, done.result));
    }

    // Streaming: `chat.completion.chunk` events ending `data: [DONE]`. voxq jobs are not
    // token-streamed (a worker produces the whole reply), so the content is one chunk.
    const { job: queued } = await submitAndWait(oneShot, req, res, submission, 0);
    const sse = openEventStream(res);
    const fail = (error: AppError) => sse.send(null, { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } });
    try {
      const job = await waitFor(oneShot, req, res, queued.id);
      if (job.status === 'queued' || job.status === 'active') {
        fail(errors.conflict('job_pending', `Job ${job.id} is still ${job.status} after ${oneShot.syncWaitMs} ms; poll /v1/jobs/${job.id}.`));
      } else if (job.status !== 'completed' || !job.result) fail(jobError(job));
      else {
        const r = job.result as CompleteResult;
        const chunk = (delta: object, finishReason: string | null) => ({
          id: completionId(job),
          object: 'chat.completion.chunk',
          created: createdOf(job),
          model: r.model,
          choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
        });
        sse.send(null, chunk({ role: 'assistant', content: '' }, null));
        if (r.text) sse.send(null, chunk({ content: r.text }, null));
        const toolCalls = openAiToolCalls(r);
        if (toolCalls?.length) sse.send(null, chunk({ tool_calls: toolCalls.map((c, index) => ({ index, ...c })) }, null));
        sse.send(null, chunk({}, r.finishReason));
        if (body.stream_options?.include_usage) sse.send(null, { ...chunk({}, null), choices: [], usage: openAiUsage(r) });
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
    setRoutingHeaders(res, done.job, done.result);
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
      const requested = String(form.get('response_format') ?? 'json');
      const format = TRANSCRIPTION_FORMATS.find((known) => known === requested);
      if (!format) {
        throw errors.invalidRequest(`response_format must be one of ${TRANSCRIPTION_FORMATS.join(', ')} (got '${requested}').`, 'response_format');
      }
      const language = form.get('language');
      const data = Buffer.from(await file.arrayBuffer());
      if (data.length === 0) throw errors.invalidRequest('The audio file is empty.', 'file');
      const model = form.get('model');
      const submission: Submission = {
        type: 'transcribe',
        input: { audio: { data, contentType: audioTypeOf(file) } },
        // Translation to English is not done by the local engines: a translation runs a
        // transcribe job and returns the transcript in the spoken language.
        intent: parseOrThrow(routingIntentSchema, typeof language === 'string' && language && task === 'transcribe' ? { language } : {}, 'language'),
        constraints: pinModel(deps.providers, 'stt', typeof model === 'string' ? model : undefined),
        metadata: {},
      };
      const done = await finished<TranscribeResult>(req, res, submission);
      if (!done) return;
      setRoutingHeaders(res, done.job, done.result);
      const { contentType, body } = renderTranscription(format, done.result, task, submission.intent.language);
      if (typeof body !== 'string') return void res.json(body);
      res.setHeader('Content-Type', contentType);
      res.send(body);
    };

  router.post('/v1/audio/transcriptions', multipart, transcription('transcribe'));
  router.post('/v1/audio/translations', multipart, transcription('translate'));

  router.use(openAiErrors);
  return router;
}
