export type { HandlerOutput, JobContext, JobKind, JobStorage } from './job-kind';
export { JOB_KINDS } from './job-kinds';
export { createJobProcessor } from './job-processor';
export type { ProcessorDeps, ProcessorOutcome } from './job-processor';
export { startWorkers } from './worker-runtime';
export type { WorkerRuntime } from './worker-runtime';
export type { WorkerResources } from './worker-runtime';
export { startWorkerProcess } from './worker-process';
export type { WorkerProcess, WorkerProcessOptions } from './worker-process';
