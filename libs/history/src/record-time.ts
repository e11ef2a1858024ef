/**
 * voxq's time-ordered ids (jobs `job_`, deliveries `wd_`, batches `batch_`) start with 12 hex
 * digits of epoch ms after their kind; the history tables partition on that time, so a
 * record's partition, and its whole primary key, follow from its id.
 */
const TIME_ORDERED_ID = /^(?:job|wd|batch)_([0-9a-f]{12})[0-9a-f]{12,16}$/;

export const DAY_MS = 86_400_000;

/** The creation time an id carries, or null when it is not a time-ordered id voxq makes. */
export function timeOfId(id: string): Date | null {
  const match = TIME_ORDERED_ID.exec(id);
  return match ? new Date(Number.parseInt(match[1]!, 16)) : null;
}

/** The UTC day (its midnight, epoch ms) a time falls in: the partition holding it. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** `jobs_p20261207`: a table's partition for the UTC day starting at `dayMs`. */
export function partitionName(table: string, dayMs: number): string {
  return `${table}_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The UTC day a partition's name stands for, or null for a table that is not one of ours. */
export function dayOfPartition(table: string, name: string): number | null {
  const match = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Whether a record created at `createdMs` is past retention at `nowMs`: its whole day is
 * older than `retentionDays`, so its partition is (or is about to be) dropped.
 */
export const pastRetention = (createdMs: number, nowMs: number, retentionDays: number): boolean => dayOf(createdMs) + DAY_MS <= nowMs - retentionDays * DAY_MS;
