import type { FileRecord } from '@voxq/job-store';
import type { FileExpiry, Queues } from '@voxq/queues';
import { fileKey } from './batch-files';
import type { BatchRunnerDeps } from './batch-runner-deps';

export const fileExpiryJobId = (fileId: string) => `expire-file.${fileId}`;

/** Schedules a file's deletion at its expiry (a delayed job; deleting early is harmless). */
export async function scheduleFileExpiry(queues: Pick<Queues, 'enqueue'>, file: FileRecord): Promise<void> {
  if (file.expiresAt === null) return;
  const delay = Math.max(0, file.expiresAt * 1000 - Date.now());
  await queues.enqueue('batches', {
    job: 'expire-file',
    payload: { tenantId: file.tenantId, fileId: file.id },
    options: { jobId: fileExpiryJobId(file.id), delay },
  });
}

/** Deletes an expired file's object, then its record (a re-run after a crash finds either gone: harmless). */
export async function expireFile(deps: Pick<BatchRunnerDeps, 'objects' | 'store'>, data: FileExpiry): Promise<void> {
  await deps.objects.delete({ key: fileKey(data.tenantId, data.fileId) });
  await deps.store.deleteFile(data.tenantId, data.fileId);
}
