import { z } from 'zod';

const wordSchema = z.object({ word: z.string(), start: z.number(), end: z.number(), punctuated_word: z.string().optional() });

/**
 * Deepgram's pre-recorded `POST /v1/listen` answer, as far as voxq reads it. These types
 * stay in this folder: the rest of voxq sees only `SttResponse`.
 */
export const listenResponseSchema = z.object({
  metadata: z.object({
    request_id: z.string(),
    /** Seconds of audio. */
    duration: z.number().min(0),
    channels: z.number().int().min(0),
    models: z.array(z.string()),
  }),
  results: z.object({
    channels: z
      .array(
        z.object({
          alternatives: z
            .array(
              z.object({
                transcript: z.string(),
                confidence: z.number(),
                /** Each word with its timing (seconds); `punctuated_word` with `smart_format` or `punctuate`. */
                words: z.array(wordSchema).optional(),
              }),
            )
            .min(1),
          /** Only with `detect_language=true`. */
          detected_language: z.string().optional(),
        }),
      )
      .min(1),
    /** Only with `utterances=true`: the transcript split at pauses, every channel's in one list. */
    utterances: z.array(z.object({ start: z.number(), end: z.number(), transcript: z.string(), channel: z.number().int().optional() })).optional(),
  }),
});
export type ListenResponse = z.infer<typeof listenResponseSchema>;

/** `{ err_code, err_msg, request_id }`; some endpoints answer `{ category, message, details }` instead. */
export const deepgramErrorSchema = z.union([
  z.object({ err_code: z.string().optional(), err_msg: z.string(), request_id: z.string().optional() }),
  z.object({ category: z.string().optional(), message: z.string(), details: z.string().optional(), request_id: z.string().optional() }),
]);
