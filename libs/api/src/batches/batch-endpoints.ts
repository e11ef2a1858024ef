import { z } from 'zod';
import {
  routingIntentSchema,
  uploadIdSchema,
  type BatchEndpoint,
  type CompleteResult,
  type JobView,
  type SynthesizeResult,
  type TranscribeResult,
} from '@voxq/contracts';
import { isAppError } from '@voxq/errors';
import type { ProviderRuntime } from '@voxq/providers';
import { chatCompletion, chatCompletionRequestSchema, completeRequest, pinModel, speechRequest, speechRequestSchema } from '../routes/openai.routes';
import { jsonSubmission } from '../services/job-request';
import type { Submission } from '../services/job-service';
import { renderTranscription, TRANSCRIPTION_FORMATS } from '../services/transcription-formats';
import { toValidationError } from '../validation';

export type LineRequest = { ok: true; submission: Submission } | { ok: false; message: string };

/** What one batch endpoint does with a line: its `body` becomes a job, and a finished job the output line's body. */
export interface BatchEndpointHandler {
  parse(body: unknown, providers: ProviderRuntime): LineRequest;
  render(job: JobView): unknown;
}

const invalid = (error: z.ZodError): LineRequest => ({ ok: false, message: toValidationError(error, 'body').message });

/** A job request checked like `POST /v1/jobs` checks it, so a line's error names the field (`body.input.messages`). */
function asJob(request: unknown): LineRequest {
  try {
    return { ok: true, submission: jsonSubmission(request, 'body') };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * The transcription line body: OpenAI's form fields as JSON, with `file` naming the audio
 * (an upload id, `s3://bucket/key` or an `https://` URL) since a JSONL line cannot carry a file.
 */
const transcriptionLineSchema = z.looseObject({
  file: z.string().min(1).max(2048),
  model: z.string().max(256).optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
  response_format: z.enum(TRANSCRIPTION_FORMATS).default('json'),
});

const transcriptionFormatOf = (job: JobView) => (job.metadata['responseFormat'] ?? 'json') as (typeof TRANSCRIPTION_FORMATS)[number];

export const BATCH_ENDPOINT_HANDLERS: Record<BatchEndpoint, BatchEndpointHandler> = {
  '/v1/chat/completions': {
    parse(body, providers) {
      const chat = chatCompletionRequestSchema.safeParse(body);
      if (!chat.success) return invalid(chat.error);
      if (chat.data.stream) return { ok: false, message: 'body.stream: streaming is not supported in a batch.' };
      return asJob(completeRequest(providers, chat.data));
    },
    render: (job) => chatCompletion(job, job.result as CompleteResult),
  },
  '/v1/audio/transcriptions': {
    parse(body, providers) {
      const line = transcriptionLineSchema.safeParse(body);
      if (!line.success) return invalid(line.error);
      const { file, model, language, response_format } = line.data;
      const audio = uploadIdSchema.safeParse(file).success ? { uploadId: file } : { url: file };
      const intent = routingIntentSchema.safeParse(language ? { language } : {});
      if (!intent.success) return invalid(intent.error);
      // The format is a label on the job, read back when the output line is written.
      return asJob({ type: 'transcribe', input: { audio }, intent: intent.data, constraints: pinModel(providers, 'stt', model), metadata: { responseFormat: response_format } });
    },
    render(job) {
      const r = job.result as TranscribeResult;
      return renderTranscription(transcriptionFormatOf(job), r, 'transcribe', job.intent.language).body;
    },
  },
  '/v1/audio/speech': {
    parse(body, providers) {
      const speech = speechRequestSchema.safeParse(body);
      if (!speech.success) return invalid(speech.error);
      return asJob(speechRequest(providers, speech.data));
    },
    /** Audio is not inlined: the line names the stored object and where to download it. */
    render(job) {
      const { audio, provider, model } = job.result as SynthesizeResult;
      return {
        object: 'audio.speech',
        job_id: job.id,
        provider,
        model,
        content_type: audio.contentType,
        bytes: audio.bytes,
        duration_seconds: audio.durationSeconds ?? null,
        url: audio.url,
        key: audio.key ?? null,
      };
    },
  },
  '/v1/jobs': {
    parse: (body) => asJob(body),
    render: (job) => job,
  },
};
