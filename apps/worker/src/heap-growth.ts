// Imported first by main.ts, so the heap growth policy is in place before the worker starts
// taking jobs: in-flight jobs' promoted garbage is collected at 1.5× the live heap rather than
// up to 4× (see `applyHeapGrowingPercent`; WORKER_HEAP_GROWING_PERCENT overrides it).
import { applyHeapGrowingPercent } from '@voxq/process';

applyHeapGrowingPercent();
