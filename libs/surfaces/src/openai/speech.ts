import { z } from 'zod';
import { SPEECH_FORMATS, type JobView, type SynthesizeResult } from '@voxq/contracts';
import type { ProviderRuntime } from '@voxq/providers';
import { pinModel } from '../pin-model';

export const speechRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  input: z.string(),
  voice: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
  speed: z.number().optional(),
  /** OpenAI's default is mp3; the provider makes the format when it can, else the worker converts (ffmpeg). */
  response_format: z.enum(SPEECH_FORMATS, { error: `must be one of ${SPEECH_FORMATS.join(', ')}` }).default('mp3'),
});
export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/** The synthesize job request for an OpenAI speech request (validated by the caller). */
export function speechRequest(runtime: ProviderRuntime, body: SpeechRequest) {
  const constraints = pinModel(runtime, 'tts', body.model);
  // OpenAI's voice names mean something only to the provider the model pinned; otherwise
  // the chosen provider's default voice is used.
  const voice = constraints.models?.tts && body.voice ? (typeof body.voice === 'string' ? body.voice : body.voice.id) : null;
  return { type: 'synthesize' as const, input: { text: body.input, voice, speed: body.speed ?? 1, format: body.response_format }, constraints };
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
