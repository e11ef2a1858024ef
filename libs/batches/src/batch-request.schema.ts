import { z } from 'zod';
import { parseDuration } from '@voxq/config';
import { batchEndpointSchema, metadataSchema, webhookTargetSchema } from '@voxq/contracts';

const MIN_WINDOW_SECONDS = 10;
const MAX_WINDOW_SECONDS = 7 * 86_400;

/** `24h` as OpenAI takes it; voxq also takes any duration from 10s to 7d (`1h`, `30m`). */
const completionWindowSchema = z
  .string()
  .default('24h')
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    const seconds = typeof ms === 'number' ? ms / 1000 : NaN;
    if (!(seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_WINDOW_SECONDS)) {
      ctx.addIssue({ code: 'custom', message: `must be a duration from ${MIN_WINDOW_SECONDS}s to 7d, such as '24h' (got '${text}')` });
      return z.NEVER;
    }
    return { text, seconds };
  });

/** OpenAI's `expires_after`: seconds after creation, from one hour to 30 days. */
export const expiresAfterSchema = z.strictObject({
  anchor: z.literal('created_at'),
  seconds: z.coerce.number().int().min(3600).max(2_592_000),
});

const common = {
  completion_window: completionWindowSchema,
  metadata: metadataSchema.nullable().optional(),
  output_expires_after: expiresAfterSchema.optional(),
  /** voxq: where `batch.*` events go besides the tenant's endpoints. */
  webhook: webhookTargetSchema.nullable().optional(),
};

/** OpenAI's form: a JSONL file uploaded with `purpose=batch`. */
export const fileBatchSchema = z.looseObject({ input_file_id: z.string().min(1).max(64), endpoint: batchEndpointSchema, ...common });

/** voxq's inline form: the job requests themselves (`custom_id` optional; default: the index). */
export const inlineBatchSchema = z.strictObject({ jobs: z.array(z.unknown()).min(1), ...common });

export const listBatchesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(64).optional(),
});

/** `GET /v1/files`: OpenAI's list parameters (its defaults: every file, newest first). */
export const listFilesQuerySchema = z.object({
  purpose: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  after: z.string().max(64).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type ListFilesQuery = z.infer<typeof listFilesQuerySchema>;
