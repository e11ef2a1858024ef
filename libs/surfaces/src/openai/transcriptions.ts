import { extname } from 'node:path';
import { z } from 'zod';
import { routingIntentSchema, UPLOAD_CONTENT_TYPES_HINT, uploadContentTypeSchema, type RoutingIntent } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { parseOrThrow, type Submission } from '@voxq/intake';
import { translators, type ProviderRuntime } from '@voxq/providers';
import { pinModel } from '../pin-model';
import { TRANSCRIPTION_FORMATS, type TranscriptionFormat } from './transcription-formats';

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

/**
 * The file's own type when it is audio, else one guessed from its name. A part that declares
 * a type `/v1/uploads` refuses (a PDF, a page, a script) is refused the same way, whatever
 * its name says: 415, nothing queued. A part without a type is judged by its name, as before.
 */
export function audioTypeOf(file: { name: string; type: string }): string {
  if (/^audio\//i.test(file.type)) return file.type;
  if (file.type && !uploadContentTypeSchema.safeParse(file.type).success) {
    throw errors.unsupportedMediaType(`The file part's type '${file.type}' is not audio: send ${UPLOAD_CONTENT_TYPES_HINT}.`);
  }
  return AUDIO_EXTENSIONS[extname(file.name).toLowerCase()] ?? 'application/octet-stream';
}

/** The `response_format` form field, checked against the formats voxq renders. */
export function transcriptionFormatOf(requested: string): TranscriptionFormat {
  const format = TRANSCRIPTION_FORMATS.find((known) => known === requested);
  if (!format) {
    throw errors.invalidRequest(`response_format must be one of ${TRANSCRIPTION_FORMATS.join(', ')} (got '${requested}').`, 'response_format');
  }
  return format;
}

/** The `timestamp_granularities[]` OpenAI takes, with `verbose_json` only. */
export const TIMESTAMP_GRANULARITIES = ['segment', 'word'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

/**
 * The `timestamp_granularities[]` form fields, checked: OpenAI's default is `segment`, and
 * they need `verbose_json` (the only format that carries timings as data).
 */
export function timestampGranularitiesOf(requested: readonly string[], format: TranscriptionFormat): TimestampGranularity[] {
  if (requested.length === 0) return ['segment'];
  const known = requested.map((value) => TIMESTAMP_GRANULARITIES.find((g) => g === value));
  if (known.some((g) => g === undefined)) {
    throw errors.invalidRequest(`timestamp_granularities[] must be segment and/or word (got ${requested.join(', ')}).`, 'timestamp_granularities');
  }
  if (format !== 'verbose_json') throw errors.invalidRequest('timestamp_granularities[] needs response_format verbose_json.', 'timestamp_granularities');
  return [...new Set(known as TimestampGranularity[])];
}

/** The form fields of `/v1/audio/transcriptions` and `/v1/audio/translations` besides the file. */
export interface TranscriptionFields {
  task: 'transcribe' | 'translate';
  audio: { data: Buffer; contentType: string };
  language: string | undefined;
  model: string | undefined;
  /** Word timings wanted (`timestamp_granularities[]=word`). */
  words?: boolean;
}

/**
 * The transcribe job for an OpenAI transcription or translation form. A translation goes
 * only to providers that translate (into English, as OpenAI's endpoint does); when none is
 * configured (or the pinned model's provider does not), the answer says so, never a
 * transcript instead.
 */
export function transcriptionRequest(runtime: ProviderRuntime, fields: TranscriptionFields): Submission & { type: 'transcribe'; intent: RoutingIntent } {
  const { task, audio, language, model } = fields;
  const constraints = pinModel(runtime, 'stt', model);
  if (task === 'translate') {
    const allowed = constraints.allowedProviders?.stt;
    const able = translators(runtime).filter((provider) => !allowed || allowed.includes(provider.name));
    if (able.length === 0) {
      const pinned = allowed ? ` for model '${model}' (${allowed.join(', ')})` : '';
      throw errors.invalidRequest(
        `No configured provider translates speech${pinned}: translations need a Whisper provider with a translations endpoint (OpenAI or Groq). voxq does not answer a transcript instead.`,
        // The model is at fault only when it pinned a provider that does not translate.
        allowed ? 'model' : undefined,
        'no_translation_provider',
      );
    }
  }
  return {
    type: 'transcribe',
    input: { audio, ...(task === 'translate' ? { task } : {}), ...(fields.words ? { words: true } : {}) },
    // A translation's language is its output's (English): the spoken one is Whisper's to detect.
    // The intent's field is the form's `language`, so an error names it as the form does.
    intent: parseOrThrow(routingIntentSchema, language && task === 'transcribe' ? { language } : {}),
    constraints,
    metadata: {},
  };
}

/**
 * The transcription line body of a batch: OpenAI's form fields as JSON, with `file` naming
 * the audio (an upload id, `s3://bucket/key` or an `https://` URL) since a JSONL line cannot
 * carry a file.
 */
export const transcriptionLineSchema = z.looseObject({
  file: z.string().min(1).max(2048),
  model: z.string().max(256).optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
  response_format: z.enum(TRANSCRIPTION_FORMATS).default('json'),
});
