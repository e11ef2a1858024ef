import { z } from 'zod';
import { completeInputSchema, constraintsSchema, metadataSchema, routingIntentSchema, synthesizeInputSchema } from '@voxq/contracts';

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
