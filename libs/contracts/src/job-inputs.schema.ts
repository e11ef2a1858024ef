import { z } from 'zod';
import { chatMessageSchema, chatToolSchema, toolChoiceSchema } from './chat.schema';

/** `complete`: LLM chat (seed 001 `CompleteParams`). */
export const completeInputSchema = z.strictObject({
  messages: z.array(chatMessageSchema).min(1).max(2048),
  /** Shortcut for a leading system message; adapters with a system channel use it natively. */
  systemPrompt: z.string().max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
  tools: z.array(chatToolSchema).max(128).optional(),
  toolChoice: toolChoiceSchema.optional(),
  parallelToolCalls: z.boolean().optional(),
  maxToolHops: z.number().int().min(1).max(16).default(8),
});
export type CompleteInput = z.infer<typeof completeInputSchema>;

/** `synthesize`: text to speech (seed 000). */
export const synthesizeInputSchema = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(20_000),
  /** Provider voice id; null or absent picks the provider's default for the language. */
  voice: z.string().min(1).max(128).nullable().optional(),
  speed: z.number().min(0.25).max(4).default(1),
});
export type SynthesizeInput = z.infer<typeof synthesizeInputSchema>;

const AUDIO_TYPES = /^(audio\/[\w.+-]+|application\/octet-stream)(;.*)?$/i;
export const audioContentTypeSchema = z
  .string()
  .max(128)
  .regex(AUDIO_TYPES, 'must be an audio content type such as audio/wav');

/** `transcribe` as submitted in JSON: the audio inline, base64-encoded. */
export const transcribeRequestInputSchema = z.strictObject({
  audio: z.strictObject({
    data: z.base64('must be base64-encoded audio').min(4, 'must not be empty'),
    contentType: audioContentTypeSchema.default('audio/wav'),
  }),
});
export type TranscribeRequestInput = z.infer<typeof transcribeRequestInputSchema>;

/**
 * Audio as a job carries it: a reference to a stored blob, never the bytes, so queues stay
 * small and fast whatever the size of the recording.
 */
export const audioRefSchema = z.strictObject({
  blobId: z.string().min(1),
  contentType: z.string().min(1),
  bytes: z.number().int().min(0),
});
export type AudioRef = z.infer<typeof audioRefSchema>;

/** `transcribe` as a job carries it. */
export const transcribeInputSchema = z.strictObject({ audio: audioRefSchema });
export type TranscribeInput = z.infer<typeof transcribeInputSchema>;
