import { z } from 'zod';

const error = z.strictObject({ code: z.string(), message: z.string() });

/**
 * What happens to a job while it runs, as `GET /v1/jobs/:id/events` streams it (SSE `event:`
 * is `type`). The stream opens with `job` (the job as it is) and ends with `completed`,
 * `failed` or `cancelled` (the job as it ended); these run-time events come in between.
 */
export const jobLiveEventSchema = z.discriminatedUnion('type', [
  /** A worker started an attempt (1 for the first). */
  z.strictObject({ type: z.literal('started'), at: z.string(), attempt: z.number().int().min(1) }),
  /** One provider call of the attempt, with its error when it failed over. */
  z.strictObject({
    type: z.literal('provider_attempt'),
    at: z.string(),
    provider: z.string(),
    model: z.string(),
    ms: z.number().min(0),
    error: error.optional(),
  }),
  /** The attempt failed; `willRetry` says whether another one follows. */
  z.strictObject({ type: z.literal('attempt_failed'), at: z.string(), attempt: z.number().int().min(1), error, willRetry: z.boolean() }),
  /** Every provider is cooling down or at its limit: the job waits in the queue until `until`. */
  z.strictObject({ type: z.literal('waiting'), at: z.string(), until: z.string(), reason: z.string() }),
  /** The model called server-side tools; the job waits for their answers. */
  z.strictObject({
    type: z.literal('tool_calls'),
    at: z.string(),
    hop: z.number().int().min(0),
    calls: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  }),
]);
export type JobLiveEvent = z.infer<typeof jobLiveEventSchema>;
export type JobLiveEventInput = JobLiveEvent extends infer E ? (E extends { at: string } ? Omit<E, 'at'> : never) : never;
