import { createHash } from 'node:crypto';
import type { Submission } from '@voxq/intake';
import type { BatchRecord } from '@voxq/contracts';
import { linesOf, parseLine } from './batch-lines';
import type { BatchRunnerDeps } from './batch-runner-deps';
import { batchPrincipal } from './batch-state';

/** Lines submitted per step: one `submitMany` (a few pipelined round trips per job) each. */
export const EXPAND_CHUNK = 500;
/**
 * Batch jobs queue with a BullMQ priority: every job without one (interactive work, of any
 * tenant) is served first. Among batches, chunk n of every batch has priority BASE + n, so
 * batches running at once take turns chunk by chunk instead of first-come-first-served.
 */
const PRIORITY_BASE = 1;
const PRIORITY_MAX = 2_097_151;

/**
 * Lines `from`+1.. become jobs, a chunk at a time, each chunk recorded with how far it got
 * (a crash resumes there); stops early when a cancel is asked.
 */
export async function expandBatch(deps: Pick<BatchRunnerDeps, 'store' | 'objects' | 'providers' | 'jobs'>, batch: BatchRecord, from: number): Promise<void> {
  const { store } = deps;
  const principal = batchPrincipal(batch);
  const file = await store.getFile(batch.tenantId, batch.input_file_id);
  if (!file) return;
  const { body } = await deps.objects.getStream({ key: file.key });
  let chunk: Array<{ customId: string; submission: Submission }> = [];
  let index = 0;
  const flush = async () => {
    const start = index - chunk.length;
    const submitted = await deps.jobs.submitMany(
      principal,
      chunk.map(({ customId, submission }) => withCustomId(submission, customId)),
      chunk.map((c) => `${batch.id}:${createHash('sha256').update(c.customId).digest('hex')}`),
      { batch: { id: batch.id, priority: Math.min(PRIORITY_MAX, PRIORITY_BASE + Math.floor(start / EXPAND_CHUNK)) }, charged: true },
    );
    await store.addJobs(
      batch.tenantId,
      batch.id,
      submitted.map((s, i) => ({ jobId: s.view.id, customId: chunk[i]!.customId })),
      index,
    );
    chunk = [];
  };
  try {
    for await (const { text } of linesOf(body)) {
      if (++index <= from) continue;
      const parsed = parseLine(text, batch.endpoint, deps.providers, new Set());
      // Validated before: a line that no longer parses means the file changed under us.
      if (!parsed.ok) throw new Error(`line ${index} of ${file.id} no longer parses: ${parsed.error.message}`);
      chunk.push(parsed);
      if (chunk.length < EXPAND_CHUNK) continue;
      await flush();
      if ((await store.readBatch(batch.tenantId, batch.id))?.cancelRequestedAt) return;
    }
    if (chunk.length) await flush();
  } finally {
    body.destroy();
  }
}

/** Labels a line's job with its custom_id, unless its metadata is already full. */
export function withCustomId(submission: Submission, customId: string): Submission {
  const metadata = submission.metadata ?? {};
  if (Object.keys(metadata).length >= 32) return submission;
  return { ...submission, metadata: { ...metadata, customId } };
}
