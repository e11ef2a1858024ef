// Imported first by main.ts. V8 reads this flag at every mark-compact (it is not one of the
// sizes fixed when the heap is made), so setting it as the process starts is enough.
//
// A worker at high concurrency keeps every in-flight job's objects (its BullMQ job, promise
// chain, upstream request and socket: ~20 KB a job) alive for the provider's whole answer
// time, so each survives two scavenges and is promoted; once its job ends it is old-space
// garbage. V8 lets the old space grow to up to 4× the live size after each mark-compact before
// the next one when allocation is fast (its default growing factor for a heap limit in the
// gigabytes), so a worker with 2,000 jobs of a 1 s provider in flight and ~70 MB live peaked at
// 400+ MiB RSS, most of it that garbage. A growing factor of 1.5 collects it when the heap is
// 1.5× what survived the last mark-compact: peak RSS ~240 MiB in the same bench
// (BENCHMARKS.md, issue 16). This is not a heap cap: the limit follows the live size, however
// large it gets. The cost is more frequent mark-compacts, a few per second at that load.
//
// NODE_OPTIONS does not accept this V8 flag, so it is set here (and so applies under npm start,
// the Docker image, the bench and the tests alike). WORKER_HEAP_GROWING_PERCENT overrides it
// (0: V8's own dynamic factor).
import { setFlagsFromString } from 'node:v8';

const DEFAULT_HEAP_GROWING_PERCENT = 50;

const configured = process.env.WORKER_HEAP_GROWING_PERCENT;
const percent = configured === undefined || configured === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(configured);
if (!Number.isInteger(percent) || percent < 0) {
  throw new Error(`WORKER_HEAP_GROWING_PERCENT must be a whole number ≥ 0 (got ${JSON.stringify(configured)})`);
}
setFlagsFromString(`--heap-growing-percent=${percent}`);
