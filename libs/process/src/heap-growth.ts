import { setFlagsFromString } from 'node:v8';
import { z } from 'zod';

/**
 * How much V8 lets the old space grow past what survived the last mark-compact before the next
 * one, as a percentage (`--heap-growing-percent`): 50 means the next collection comes at 1.5×
 * the live heap. 0 leaves V8's own factor, which is up to 4× for a heap limit in the gigabytes
 * when allocation is fast.
 *
 * Why a worker sets it: a job's objects (its BullMQ job, promise chain, upstream request and
 * socket) live as long as its provider takes to answer, so at high concurrency each one
 * survives two scavenges and is promoted; when the job ends it is old-space garbage. With V8's
 * default factor that garbage piles up to several times the live heap before it is collected
 * (a worker at concurrency 2,000 with a 1 s provider: ~70 MB live, 400+ MiB peak RSS; 240 MiB at
 * 50, BENCHMARKS.md issue 16). It is not a heap cap: the limit follows the live size, however
 * large that grows. The price is more frequent mark-compacts.
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

const percentSchema = z.coerce.number().int().min(0).max(1_000);

/** The percentage `value` (an env var's text) asks for; unset or empty: the default. */
export function heapGrowingPercent(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_HEAP_GROWING_PERCENT;
  const parsed = percentSchema.safeParse(value);
  if (!parsed.success) throw new Error(`WORKER_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000 (got ${JSON.stringify(value)})`);
  return parsed.data;
}

/**
 * Sets V8's heap growing factor from `WORKER_HEAP_GROWING_PERCENT`. V8 reads the flag at every
 * mark-compact (it is not one of the sizes fixed when the heap is made), so setting it as the
 * process starts is enough; NODE_OPTIONS does not accept this flag, hence the code.
 */
export function applyHeapGrowingPercent(env: NodeJS.ProcessEnv = process.env): number {
  const percent = heapGrowingPercent(env.WORKER_HEAP_GROWING_PERCENT);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
