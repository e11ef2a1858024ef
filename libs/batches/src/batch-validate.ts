import type { BatchError } from '@voxq/contracts';
import type { BatchRecord } from '@voxq/contracts';
import { linesOf, parseLine } from './batch-lines';
import type { BatchRunnerDeps } from './batch-runner-deps';

/** Validation stops collecting after this many bad lines (OpenAI reports a handful too). */
const MAX_ERRORS = 100;

/** Reads the batch's input file once: how many requests it holds and what is wrong with them. */
export async function validateBatch(
  deps: Pick<BatchRunnerDeps, 'store' | 'objects' | 'providers' | 'maxRequests'>,
  batch: BatchRecord,
): Promise<{ total: number; problems: BatchError[] }> {
  const file = await deps.store.getFile(batch.tenantId, batch.input_file_id);
  if (!file) return { total: 0, problems: [{ code: 'invalid_file', message: `File ${batch.input_file_id} no longer exists.`, line: null }] };
  const problems: BatchError[] = [];
  const seen = new Set<string>();
  let total = 0;
  const { body } = await deps.objects.getStream({ key: file.key });
  try {
    for await (const { line, text } of linesOf(body)) {
      if (++total > deps.maxRequests) {
        problems.push({ code: 'batch_too_large', message: `The file has more than ${deps.maxRequests} requests, the most one batch may hold.`, line });
        break;
      }
      const parsed = parseLine(text, batch.endpoint, deps.providers, seen);
      if (!parsed.ok) problems.push({ ...parsed.error, line });
      if (problems.length >= MAX_ERRORS) break;
    }
  } finally {
    body.destroy();
  }
  if (!problems.length && total === 0) problems.push({ code: 'empty_file', message: 'The input file has no requests.', line: null });
  return { total, problems };
}
