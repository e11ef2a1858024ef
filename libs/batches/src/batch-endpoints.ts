import type { z } from 'zod';
import { routingIntentSchema, uploadIdSchema, type BatchEndpoint, type CompleteResult, type JobView, type TranscribeResult } from '@voxq/contracts';
import { isAppError, type AppError } from '@voxq/errors';
import { jsonSubmission, toValidationError, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import { MAX_PRESIGN_SECONDS } from './batch-audio-links';
import {
  chatCompletion,
  chatCompletionRequestSchema,
  embeddingsListOf,
  embeddingsRequest,
  embeddingsRequestSchema,
  chatSubmission,
  imagesFormatOf,
  imagesRequest,
  imagesRequestSchema,
  imagesResponse,
  checkImageJob,
  checkSynthesizeJob,
  pinModel,
  renderTranscription,
  speechReference,
  speechRequest,
  speechRequestSchema,
  transcriptionLineSchema,
  type TranscriptionFormat,
} from '@voxq/surfaces';

/** The object store, and the tenant whose objects a batch's output lines may read. */
export interface BatchFiles {
  objects: ObjectStore;
  tenantId: string;
}

export type LineRequest = { ok: true; submission: Submission } | { ok: false; message: string };

/** What one batch endpoint does with a line: its `body` becomes a job, and a finished job the output line's body. */
export interface BatchEndpointHandler {
  parse(body: unknown, providers: ProviderRuntime): LineRequest;
  /** `files`: where the batch's tenant keeps a result's files, for a line that carries them (images); may be async. */
  render(job: JobView, files: BatchFiles): unknown;
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

/** A line its mapping refuses (an unknown model, a voice or parameter no provider has) fails alone, with `explain(error)` as its message. */
function lineOf(build: () => LineRequest, explain: (error: AppError) => string = (error) => error.message): LineRequest {
  try {
    return build();
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: explain(error) };
    throw error;
  }
}

/** A refusal naming the body field it is about (`body.model: …`; the model when the error names none). */
const namingField = (error: AppError) => `body.${error.param ?? 'model'}: ${error.message}`;

const transcriptionFormatOf = (job: JobView) => (job.metadata['responseFormat'] ?? 'json') as TranscriptionFormat;

export const BATCH_ENDPOINT_HANDLERS: Record<BatchEndpoint, BatchEndpointHandler> = {
  '/v1/chat/completions': {
    parse(body, providers) {
      const chat = chatCompletionRequestSchema.safeParse(body);
      if (!chat.success) return invalid(chat.error);
      if (chat.data.stream) return { ok: false, message: 'body.stream: streaming is not supported in a batch.' };
      return lineOf(() => ({ ok: true, submission: chatSubmission(providers, chat.data) }));
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
      return lineOf(() =>
        asJob({
          type: 'transcribe',
          input: { audio },
          intent: intent.data,
          constraints: pinModel(providers, 'stt', model),
          metadata: { responseFormat: response_format },
        }),
      );
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
      return lineOf(() => asJob(speechRequest(providers, speech.data)));
    },
    /** Audio is not inlined: the line names the stored object and where to download it. */
    render: (job) => speechReference(job),
  },
  '/v1/embeddings': {
    parse(body, providers) {
      const line = embeddingsRequestSchema.safeParse(body);
      if (!line.success) return invalid(line.error);
      // An unknown model, token ids or a length the model cannot give: this line's error.
      // The format is a label on the job, read back when the output line is written.
      return lineOf(
        () => asJob({ ...embeddingsRequest(providers, line.data), metadata: { encodingFormat: line.data.encoding_format ?? 'float' } }),
        namingField,
      );
    },
    render: (job) => embeddingsListOf(job),
  },
  '/v1/images/generations': {
    parse(body, providers) {
      const line = imagesRequestSchema.safeParse(body);
      if (!line.success) return invalid(line.error);
      // An unknown model, or a parameter the model does not take: this line's error.
      // The answer form is a label on the job, read back when the output line is written.
      return lineOf(() => {
        const { request, format } = imagesRequest(providers, line.data);
        return asJob({ ...request, metadata: { responseFormat: format } });
      }, namingField);
    },
    /** OpenAI's images response: base64 read back from S3, or URLs signed for as long as S3 allows (the file outlives a short link). */
    render: (job, files) => imagesResponse(job, imagesFormatOf(job), { ...files, urlTtlSeconds: MAX_PRESIGN_SECONDS }),
  },
  '/v1/jobs': {
    parse(body, providers) {
      const line = asJob(body);
      if (!line.ok) return line;
      const job = line.submission;
      // A job POST /v1/jobs refuses (an unknown speech `model`, a spoken form with nothing to say, an image parameter no model takes) fails its line.
      return lineOf(() => {
        if (job.type === 'synthesize') checkSynthesizeJob(providers, job, (field) => `body.input.${field}`);
        if (job.type === 'image') checkImageJob(providers, job, (param) => `body.input.${param}`);
        return line;
      });
    },
    render: (job) => job,
  },
};
