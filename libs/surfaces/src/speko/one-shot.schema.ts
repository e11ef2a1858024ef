import { z } from 'zod';
import { completeInputSchema, constraintsSchema, metadataSchema, routingIntentSchema, synthesizeInputSchema } from '@voxq/contracts';

const routing = {
  intent: routingIntentSchema.prefault({}),
  constraints: constraintsSchema.default({}),
  metadata: metadataSchema.default({}),
};

/** Seed 000's synthesize body. */
export const synthesizeBodySchema = z.strictObject({ ...synthesizeInputSchema.shape, ...routing });
/** Seed 001's `CompleteParams`. */
export const completeBodySchema = z.strictObject({ ...completeInputSchema.shape, ...routing });
