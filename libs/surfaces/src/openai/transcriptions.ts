import { extname } from 'node:path';
import { z } from 'zod';
import { routingIntentSchema, type RoutingIntent } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { parseOrThrow, type Submission } from '@voxq/intake';
import type { ProviderRuntime } from '@voxq/providers';
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

/** The file's own type when it is audio, else one guessed from its name. */
export function audioTypeOf(file: { name: string; type: string }): string {
  if (/^audio\//i.test(file.type)) return file.type;
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

/** The form fields of `/v1/audio/transcriptions` and `/v1/audio/translations` besides the file. */
export interface TranscriptionFields {
  task: 'transcribe' | 'translate';
  audio: { data: Buffer; contentType: string };
  language: string | undefined;
  model: string | undefined;
}

/** The transcribe job for an OpenAI transcription or translation form. */
export function transcriptionRequest(runtime: ProviderRuntime, fields: TranscriptionFields): Submission & { type: 'transcribe'; intent: RoutingIntent } {
  const { task, audio, language, model } = fields;
  return {
    type: 'transcribe',
    input: { audio },
    // Translation to English is not done by the local engines: a translation runs a
    // transcribe job and returns the transcript in the spoken language.
    // The intent's field is the form's `language`, so an error names it as the form does.
    intent: parseOrThrow(routingIntentSchema, language && task === 'transcribe' ? { language } : {}),
    constraints: pinModel(runtime, 'stt', model),
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
