import { z } from 'zod';
import { jobRequestSchema, SPEECH_FORMATS, type JobView, type SynthesizeResult } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { toValidationError, type Submission } from '@voxq/intake';
import { hasVoice, type ProviderRuntime } from '@voxq/providers';
import { pinModel } from '../pin-model';

export const speechRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  input: z.string(),
  voice: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
  speed: z.number().optional(),
  /** OpenAI's speaking style (`gpt-4o-mini-tts`); a model without it lists it in the result's `unusedParams`. */
  instructions: z.string().optional(),
  /** OpenAI's default is mp3; the provider makes the format when it can, else the worker converts (ffmpeg). */
  response_format: z.enum(SPEECH_FORMATS, { error: `must be one of ${SPEECH_FORMATS.join(', ')}` }).default('mp3'),
});
export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/**
 * The synthesize job request for an OpenAI speech request (validated by the caller). A
 * voice goes only to providers that have it (OpenAI's `alloy` to OpenAI's speech, never to
 * another engine's default voice); when none of those that may serve the request has it,
 * the answer is a 400 naming `voice`.
 */
export function speechRequest(runtime: ProviderRuntime, body: SpeechRequest) {
  const constraints = pinModel(runtime, 'tts', body.model);
  const voice = body.voice === undefined ? null : typeof body.voice === 'string' ? body.voice : body.voice.id;
  const input = {
    text: body.input,
    voice,
    speed: body.speed ?? 1,
    format: body.response_format,
    ...(body.instructions === undefined ? {} : { instructions: body.instructions }),
  };
  if (voice === null) return { type: 'synthesize' as const, input, constraints };
  const pinned = constraints.allowedProviders?.tts;
  const eligible = runtime.registry.list('tts').filter((p) => !pinned || pinned.includes(p.name));
  const having = eligible.filter((p) => hasVoice(p, voice)).map((p) => p.name);
  if (having.length === 0) {
    const who = pinned ? `the model '${body.model}' (${pinned.join(', ')})` : `any configured speech provider (${eligible.map((p) => p.name).join(', ')})`;
    throw errors.invalidRequest(`voice: '${voice}' is not a voice of ${who}; nothing was queued.`, 'voice');
  }
  return { type: 'synthesize' as const, input, constraints: pinned ? constraints : { ...constraints, allowedProviders: { tts: having } } };
}

/** A job request path as the speech request named it (`input.text` → `input`). */
const SPEECH_PATHS: Record<string, string> = {
  'input.text': 'input',
  'input.voice': 'voice',
  'input.speed': 'speed',
  'input.format': 'response_format',
  'input.instructions': 'instructions',
};

/** The checked job for a speech request, with errors naming the request's fields. */
export function speechSubmission(runtime: ProviderRuntime, body: SpeechRequest): Submission {
  const parsed = jobRequestSchema.safeParse(speechRequest(runtime, body));
  if (parsed.success) return parsed.data as Submission;
  const issues = parsed.error.issues.map((issue) => {
    const internal = issue.path.map(String).join('.');
    const path = issue.path[0] === 'constraints' ? ['model'] : [SPEECH_PATHS[internal] ?? internal.replace(/^input\./, '')];
    return { ...issue, path };
  });
  throw toValidationError(new z.ZodError(issues));
}

/** A speech result where audio cannot be inlined (a batch output line): the stored object and where to download it. */
export function speechReference(job: JobView) {
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
}
