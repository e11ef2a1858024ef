// Batches: OpenAI's Files and Batch APIs over the intake core. The service is what the HTTP
// routes call; the runner (startBatchRunner, the `batches` queue) validates, expands into
// jobs, watches and finalizes each batch, and expires its files.
export { fileKey, fileObject, JsonlUpload } from './batch-files';
export { inlineBatchLines, linesOf, MAX_CUSTOM_ID_LENGTH, parseLine } from './batch-lines';
export { expiresAfterSchema, fileBatchSchema, inlineBatchSchema, listBatchesQuerySchema, listFilesQuerySchema } from './batch-request.schema';
export type { ListFilesQuery } from './batch-request.schema';
export { BatchService, batchServiceFor } from './batch-service';
export type { BatchServiceDeps, BatchServiceWiring, NewBatch } from './batch-service';
export { batchObject } from './batch-view';
export { startBatchRunner } from './batch-runner-runtime';
export type { BatchRunnerRuntime } from './batch-runner-runtime';
