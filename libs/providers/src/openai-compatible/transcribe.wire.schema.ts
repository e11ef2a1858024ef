import { z } from 'zod';

/**
 * The Whisper `POST /audio/transcriptions` answer with `response_format: verbose_json`, as
 * far as voxq reads it (OpenAI, Groq, and compatible servers such as faster-whisper). Only
 * `text` is certain: compatible servers leave the rest out.
 */
export const wireTranscriptionSchema = z.object({
  text: z.string(),
  /** A name (`english`; Groq: `English`), or a code from some compatible servers. */
  language: z.string().nullish(),
  /** Seconds of audio. */
  duration: z.number().min(0).nullish(),
  segments: z
    .array(
      z.object({
        /** Seconds from the start of the audio. */
        start: z.number().nullish(),
        end: z.number().nullish(),
        /** Usually with a leading space (` Hello.`). */
        text: z.string().nullish(),
        /** Mean log-probability of the segment's tokens. */
        avg_logprob: z.number().nullish(),
      }),
    )
    .nullish(),
  /** Only with `timestamp_granularities[]=word`. */
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).nullish(),
});
export type WireTranscription = z.infer<typeof wireTranscriptionSchema>;
