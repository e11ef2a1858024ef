import { z } from 'zod';
import type { JobView, SynthesizeResult } from '@voxq/contracts';
import type { ProviderRuntime } from '@voxq/providers';
import { pinModel } from '../pin-model';

export const speechRequestSchema = z.looseObject({
  model: z.string().max(256).optional(),
  input: z.string(),
  voice: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
  speed: z.number().optional(),
  /** Ignored: the audio comes in the format its provider produces (see `Content-Type`). */
  response_format: z.string().optional(),
});
export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/** The synthesize job request for an OpenAI speech request (validated by the caller). */
export function speechRequest(runtime: ProviderRuntime, body: SpeechRequest) {
  const constraints = pinModel(runtime, 'tts', body.model);
  // OpenAI's voice names mean something only to the provider the model pinned; otherwise
  // the chosen provider's default voice is used.
  const voice = constraints.models?.tts && body.voice ? (typeof body.voice === 'string' ? body.voice : body.voice.id) : null;
  return { type: 'synthesize' as const, input: { text: body.input, voice, speed: body.speed ?? 1 }, constraints };
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
