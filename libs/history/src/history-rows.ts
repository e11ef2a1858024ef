import { z } from 'zod';
import {
  batchProgressSchema,
  batchRecordSchema,
  CAPABILITIES,
  deliveryAttemptSchema,
  jobViewSchema,
  webhookDeliveryRecordSchema,
  type JobView,
} from '@voxq/contracts';

/**
 * What the history tables hold, parsed on every read (the database is a boundary). The
 * shapes are those the Redis stores keep today, written by the mover and read back by the
 * read path; they are declared here, from the shared contracts, so this lib depends on no
 * store (the stores and the read path may then depend on it).
 */

/**
 * A finished job as the API shows it, and whose it is. Its `input` (when the record kept one)
 * goes to a column of its own, read only by a read that asks for it.
 */
export type HistoricJob = JobView & { tenantId: string };

/** A stored input, carried as stored (it was validated by its type's schema when the job was queued). */
export const storedInputSchema = z.record(z.string(), z.unknown()).nullable();

/** The stored view. Results were validated by their type's schema when written; here they are carried. */
export const storedJobViewSchema = jobViewSchema.extend({ result: z.record(z.string(), z.unknown()).nullable() });

/** A webhook delivery as `WebhookDeliveryStore` keeps it (shared through @voxq/contracts). */
export const historicDeliverySchema = webhookDeliveryRecordSchema;
export type HistoricDelivery = z.infer<typeof historicDeliverySchema>;

/** The event a delivery sent, carried as stored (the webhooks lib parses it where it is shown). */
export const storedEventSchema = z.record(z.string(), z.unknown()).nullable();

/** One line of a subject's attempt log, as the dispatcher writes it (shared through @voxq/contracts). */
export const historicAttemptSchema = deliveryAttemptSchema;
export type HistoricAttempt = z.infer<typeof historicAttemptSchema>;

/**
 * A routing decision. Only what the history needs is checked here (its id, owner, time and
 * capability); `scoresRunSchema` in libs/providers, its owner, parses the whole of it when shown.
 */
export const historicScoresRunSchema = z.looseObject({
  id: z.string(),
  tenantId: z.string().optional(),
  capability: z.enum(CAPABILITIES),
  createdAt: z.string(),
});
export type HistoricScoresRun = z.infer<typeof historicScoresRunSchema>;

/** A batch as `BatchStore` keeps it, and its progress when it moved (both shared with the store through @voxq/contracts). */
export const historicBatchSchema = batchRecordSchema;
export { batchProgressSchema };

/** A finished batch with its live state as it was when it moved (what `BatchStore.readBatch` returns). */
export interface HistoricBatch {
  batch: z.infer<typeof historicBatchSchema>;
  progress: z.infer<typeof batchProgressSchema>;
  cancelRequestedAt: number | null;
}

/** One page of a newest-first listing; `nextCursor` is the last id when the page is full (as `JobStore.list`). */
export interface HistoryPage<T> {
  items: T[];
  nextCursor: string | null;
}
