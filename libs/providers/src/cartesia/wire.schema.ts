import { z } from 'zod';

/** Sample rates Cartesia documents for `output_format.sample_rate`. */
export type CartesiaSampleRate = 8000 | 16000 | 22050 | 24000 | 44100 | 48000;

/**
 * `POST /tts/bytes`, as far as voxq speaks it: raw 16-bit little-endian PCM (its length alone
 * gives the duration), WAV or MP3. These types stay in this folder.
 */
export interface WireRequest {
  model_id: string;
  transcript: string;
  voice: { mode: 'id'; id: string };
  output_format:
    | { container: 'raw' | 'wav'; encoding: 'pcm_s16le'; sample_rate: CartesiaSampleRate }
    | { container: 'mp3'; sample_rate: CartesiaSampleRate; bit_rate: number };
  language: string;
  /**
   * The top-level `speed` enum the 2024-11-13 API documents (experimental there). Later
   * versions add a numeric `generation_config.speed` for sonic-3 only, so the enum is the
   * form every model and version this adapter targets accepts.
   */
  speed?: 'slow' | 'normal' | 'fast';
}

/**
 * From `Cartesia-Version: 2026-03-01` errors are `{ error_code, title, message, request_id }`;
 * older versions answer plain text (`Title: Message`) or `{ error }`.
 */
export const wireErrorSchema = z.union([
  z.looseObject({ error_code: z.string().nullish(), title: z.string().optional(), message: z.string() }),
  z.looseObject({ error: z.string() }),
]);
