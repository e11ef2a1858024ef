import { z } from 'zod';

/**
 * The ElevenLabs text-to-speech wire format, as far as voxq speaks it
 * (`POST /v1/text-to-speech/{voice_id}`). These types stay in this folder.
 */
export interface WireRequest {
  text: string;
  model_id: string;
  /** Only what voxq sets; the voice's stored settings fill in the rest. */
  voice_settings?: { speed: number };
}

/**
 * Errors come as `{ detail: { status, message } }` (`status` a code such as
 * `invalid_api_key` or `too_many_concurrent_requests`), or, for a body that fails
 * validation, FastAPI's `{ detail: [{ loc, msg, type }] }`.
 */
export const wireErrorSchema = z.object({
  detail: z.union([
    z.looseObject({ status: z.string().optional(), message: z.string() }),
    z.array(z.looseObject({ msg: z.string(), loc: z.array(z.union([z.string(), z.number()])).optional() })).min(1),
    z.string(),
  ]),
});
