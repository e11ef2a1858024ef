export { BlobStore, outputBlobId } from './blob-store';
export type { Blob } from './blob-store';
export { IdempotencyStore } from './idempotency-store';
export type { Reservation } from './idempotency-store';
export { JOB_ID_PATTERN, newJobId } from './job-id';
export { jobRecordSchema, newJobFields, toJobView } from './job-record';
export type { JobRecord, NewJobFields } from './job-record';
export { JobStore } from './job-store';
export type { JobRef, ListOptions, StartOutcome, TransitionOutcome } from './job-store';
