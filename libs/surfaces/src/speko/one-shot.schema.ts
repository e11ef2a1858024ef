import { z } from 'zod';
import { completeInputSchema, constraintsSchema, metadataSchema, routingIntentSchema, synthesizeInputSchema, transcribeKeywordsSchema } from '@voxq/contracts';

/** The Speko SDK's voice/session id (`sessionId` in a complete body, `x-session-id` elsewhere): kept as job metadata. */
export const sessionIdSchema = z.string().min(1).max(512);

const routing = {
  intent: routingIntentSchema.prefault({}),
  constraints: constraintsSchema.default({}),
  metadata: metadataSchema.default({}),
};

/** Seed 000's synthesize body. */
export const synthesizeBodySchema = z.strictObject({ ...synthesizeInputSchema.shape, ...routing });
/** Seed 001's `CompleteParams` (the SDK sends its `sessionId` in the body). */
export const completeBodySchema = z.strictObject({ ...completeInputSchema.shape, ...routing, sessionId: sessionIdSchema.optional() });

/**
 * The SDK's `X-Speko-Stt-Options` header on `POST /v1/transcribe` (JSON): its `transcribe`
 * options beyond the intent. Strict, so a misspelt option is a 400 rather than dropped.
 */
export const sttOptionsHeaderSchema = z.strictObject({ keywords: transcribeKeywordsSchema.optional() });
