import { setFlagsFromString } from 'node:v8';

/**
 * Sets how much V8 lets the old space grow past what survived the last mark-compact before the
 * next one, as a percentage (`--heap-growing-percent`): 100 means the next collection comes at
 * 2× the live heap; 0 leaves V8's own factor, which is up to 4× for a heap limit in the
 * gigabytes when allocation is fast.
 *
 * Why a worker sets it (`WORKER_HEAP_GROWING_PERCENT`, 100): a job's objects (its BullMQ job,
 * promise chain, upstream request and socket: ~23 KB) live as long as its provider takes to
 * answer, so at high concurrency each survives two scavenges and is promoted; when the job ends
 * it is old-space garbage. With V8's factor that garbage piled up to several times the live
 * heap before it was collected (concurrency 2,000, a 1 s provider: ~70 MB live, 380–420 MiB
 * peak RSS; 272–284 MiB at 100, 236–246 at 50, BENCHMARKS.md issue 16). It is not a heap cap:
 * the limit follows the live size, however large that grows. The price is more frequent
 * mark-compacts: at 50 they cost the worker ~10% more CPU a job, at 100 none measurable.
 *
 * V8 reads the flag at every mark-compact (it is not one of the sizes fixed when the heap is
 * made), so setting it as the process starts works; NODE_OPTIONS does not accept this flag.
 */
export function applyHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growing percent must be a whole number ≥ 0, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
