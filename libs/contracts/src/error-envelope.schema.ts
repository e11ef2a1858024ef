import { z } from 'zod';

/** Every 4xx/5xx body: `{ "error": { type, code, message, param } }` (OpenAI's envelope). */
export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    type: z.string(),
    code: z.string(),
    message: z.string(),
    param: z.string().nullable(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
