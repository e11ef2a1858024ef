import type { z } from 'zod';
import type {
  BatchObject,
  JobInclude,
  JobLiveEvent,
  JobStatus,
  JobView,
  ListJobsQuery,
  jobRequestSchema,
  metadataSchema,
  routingIntentSchema,
  constraintsSchema,
  webhookTargetSchema,
} from '@voxq/contracts';

// Types only: the SDK never loads the server's zod schemas at run time.
export type {
  BatchObject,
  BatchStatus,
  CompleteResult,
  ImageResult,
  JobInclude,
  JobInput,
  JobLiveEvent,
  JobResult,
  JobStatus,
  JobType,
  JobView,
  SynthesizeResult,
  TranscribeResult,
  UploadView,
  WebhookEvent,
  JobWebhookEvent,
  BatchWebhookEvent,
} from '@voxq/contracts';

/**
 * A `POST /v1/jobs` body as a client writes it: defaulted fields (`intent`, `constraints`,
 * `metadata`, `contentType` of inline audio) may be left out.
 */
export type JobCreateRequest = z.input<typeof jobRequestSchema>;
export type RoutingIntentInput = z.input<typeof routingIntentSchema>;
export type ConstraintsInput = z.input<typeof constraintsSchema>;
export type MetadataInput = z.input<typeof metadataSchema>;
export type WebhookTargetInput = z.input<typeof webhookTargetSchema>;

/** `GET /v1/jobs` filters; every field is optional. `include: ['input']` adds each job's input. */
export type JobListQuery = Partial<Omit<ListJobsQuery, 'include'>> & { include?: JobInclude[] };

/** One page of `GET /v1/jobs`, newest first. */
export interface JobPage {
  data: JobView[];
  nextCursor: string | null;
  hasMore: boolean;
}

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminalJobStatus = (status: JobStatus) => TERMINAL_JOB_STATUSES.includes(status);

/**
 * What `jobs.wait` reports as it happens: the job as it was when the stream opened
 * (`job`), each run-time event the workers publish, and the final status with the job.
 */
export type JobStreamEvent = { type: 'job' | 'completed' | 'failed' | 'cancelled'; job: JobView } | JobLiveEvent;

/** A job's result as `GET /v1/jobs/:id/result` serves it: audio bytes (synthesize) or the result JSON. */
export type JobResultBody = { kind: 'audio'; contentType: string; bytes: Uint8Array } | { kind: 'json'; result: NonNullable<JobView['result']> };

/** `POST /v1/batches`, voxq's inline form: the job requests themselves (each may carry a `custom_id`). */
export interface InlineBatchCreateRequest extends BatchCommonOptions {
  jobs: Array<JobCreateRequest & { custom_id?: string }>;
}

/** `POST /v1/batches`, OpenAI's form: a JSONL file uploaded with `files.create`. */
export interface FileBatchCreateRequest extends BatchCommonOptions {
  input_file_id: string;
  endpoint: BatchObject['endpoint'];
}

export interface BatchCommonOptions {
  /** `24h`, or any duration from `10s` to `7d`. @defaultValue `'24h'` */
  completion_window?: string;
  metadata?: Record<string, string> | null;
  output_expires_after?: { anchor: 'created_at'; seconds: number };
  /** Where `batch.*` events go besides the tenant's endpoints. */
  webhook?: WebhookTargetInput | null;
}

export type BatchCreateRequest = InlineBatchCreateRequest | FileBatchCreateRequest;

/** One page of `GET /v1/batches` (OpenAI's list shape). */
export interface BatchPage {
  object: 'list';
  data: BatchObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export const FINAL_BATCH_STATUSES: readonly BatchObject['status'][] = ['completed', 'failed', 'expired', 'cancelled'];

/** OpenAI's file object, as `/v1/files` answers. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: string;
  status_details: null;
}

/** A bucket drop rule (`/v1/drop-rules`). Duplicated here: its schema lives in a server-side lib. */
export interface DropRuleCreateRequest {
  /** The watched folder, inside the tenant's `tenants/<tenantId>/`. */
  prefix: string;
  /** Where results and markers go; must not overlap `prefix`. */
  outputPrefix: string;
  type: 'transcribe' | 'synthesize';
  bucket?: string;
  intent?: RoutingIntentInput;
  constraints?: ConstraintsInput;
  webhook?: WebhookTargetInput;
  metadata?: MetadataInput;
}

export interface DropRule extends DropRuleCreateRequest {
  object: 'drop_rule';
  id: string;
  tenantId: string;
  bucket: string;
  createdAt: string;
}

/** Anything the SDK can send as an upload's body; streams are sent as they are read (never retried). */
export type UploadBody = Uint8Array | ArrayBuffer | Blob | string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
