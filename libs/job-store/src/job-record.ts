import { z } from 'zod';
import {
  constraintsSchema,
  jobStatusSchema,
  jobTypeSchema,
  metadataSchema,
  routingIntentSchema,
  serializedErrorSchema,
  webhookTargetSchema,
  type JobView,
  type QueuedJob,
} from '@voxq/contracts';

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'invalid JSON in job record' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** A job record as stored in its Redis hash; parsed on every read (Redis is a boundary). */
export const jobRecordSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  type: jobTypeSchema,
  status: jobStatusSchema,
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  attempts: z.coerce.number().int().default(0),
  intent: json(routingIntentSchema),
  constraints: json(constraintsSchema),
  metadata: json(metadataSchema),
  webhook: json(webhookTargetSchema.nullable()),
  // Results are validated by their type's schema when written; here they are only carried.
  result: json(z.record(z.string(), z.unknown())).optional(),
  error: json(serializedErrorSchema).optional(),
  batchId: z.string().optional(),
  /** The submitting request's id: for log correlation only, never shown in the job's view. */
  requestId: z.string().optional(),
  // The payload's input, validated by its type's schema when the job was queued; here only carried.
  // Absent when it was larger than MAX_KEPT_INPUT_BYTES, or the job was made before inputs were kept.
  input: json(z.record(z.string(), z.unknown())).optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/**
 * The most bytes of input (as JSON) a record keeps. The schemas already bound an input (a
 * synthesize text to 20,000 characters, embed texts to 2,000,000 in all, any JSON body to
 * `API_JSON_LIMIT_BYTES`); this keeps a hot record small whatever a chat or an embed job
 * carries, while every synthesize text, transcribe reference and ordinary chat fits whole.
 */
export const MAX_KEPT_INPUT_BYTES = 256 * 1024;

/** Every field of a record but its input: what a read that does not show the input fetches (HMGET). */
export const RECORD_FIELDS_WITHOUT_INPUT = Object.keys(jobRecordSchema.shape).filter((field) => field !== 'input');

/** The fields a new record starts with, as Redis hash values. */
export interface NewJobFields {
  id: string;
  tenantId: string;
  type: JobView['type'];
  createdAt: string;
  intent: JobView['intent'];
  constraints: JobView['constraints'];
  metadata: JobView['metadata'];
  webhook: JobView['webhook'];
  batchId?: string;
  requestId?: string;
  /** The payload's input; kept when its JSON is at most `MAX_KEPT_INPUT_BYTES`. */
  input?: QueuedJob['payload']['input'];
}

/** A queued job's record fields, from the data its BullMQ job carries. */
export function newJobFields(id: string, data: QueuedJob): NewJobFields {
  return {
    id,
    tenantId: data.tenantId,
    type: data.payload.type,
    createdAt: data.createdAt,
    intent: data.payload.intent,
    constraints: data.payload.constraints,
    metadata: data.payload.metadata,
    webhook: data.payload.webhook ?? null,
    input: data.payload.input,
    ...(data.batchId ? { batchId: data.batchId } : {}),
    ...(data.requestId ? { requestId: data.requestId } : {}),
  };
}

/** The input as a hash value, or null when it is larger than a record keeps. */
function keptInput(input: NewJobFields['input']): string | null {
  if (input === undefined) return null;
  const json = JSON.stringify(input);
  // A UTF-16 unit is at most 3 bytes of UTF-8: count the bytes only when it may matter.
  return json.length * 3 <= MAX_KEPT_INPUT_BYTES || Buffer.byteLength(json) <= MAX_KEPT_INPUT_BYTES ? json : null;
}

export function toHashFields(fields: NewJobFields): string[] {
  const input = keptInput(fields.input);
  return [
    'id',
    fields.id,
    'tenantId',
    fields.tenantId,
    'type',
    fields.type,
    'createdAt',
    fields.createdAt,
    'intent',
    JSON.stringify(fields.intent),
    'constraints',
    JSON.stringify(fields.constraints),
    'metadata',
    JSON.stringify(fields.metadata),
    'webhook',
    JSON.stringify(fields.webhook),
    ...(fields.batchId ? ['batchId', fields.batchId] : []),
    ...(fields.requestId ? ['requestId', fields.requestId] : []),
    ...(input === null ? [] : ['input', input]),
  ];
}

/**
 * A record from the history tier, which keeps the view and its tenant (not the submitting
 * request's id), and the input when the read asked for it.
 */
export function fromJobView(view: JobView, tenantId: string): JobRecord {
  return {
    id: view.id,
    tenantId,
    type: view.type,
    status: view.status,
    createdAt: view.createdAt,
    ...(view.startedAt ? { startedAt: view.startedAt } : {}),
    ...(view.finishedAt ? { finishedAt: view.finishedAt } : {}),
    attempts: view.attempts,
    intent: view.intent,
    constraints: view.constraints,
    metadata: view.metadata,
    webhook: view.webhook,
    ...(view.result ? { result: view.result } : {}),
    ...(view.error ? { error: view.error } : {}),
    ...(view.batchId ? { batchId: view.batchId } : {}),
    ...(view.input ? { input: view.input } : {}),
  };
}

export interface ViewOptions {
  /** Add the input (`include=input`): null when the record did not keep it. */
  input?: boolean;
}

/** The job as the API shows it; webhook events and the other surfaces use it without the input. */
export function toJobView(record: JobRecord, { input = false }: ViewOptions = {}): JobView {
  return {
    id: record.id,
    object: 'job',
    type: record.type,
    status: record.status,
    intent: record.intent,
    constraints: record.constraints,
    metadata: record.metadata,
    webhook: record.webhook,
    attempts: record.attempts,
    createdAt: record.createdAt,
    startedAt: record.startedAt ?? null,
    finishedAt: record.finishedAt ?? null,
    result: (record.result as JobView['result']) ?? null,
    error: record.error ?? null,
    ...(record.batchId ? { batchId: record.batchId } : {}),
    ...(input ? { input: (record.input as JobView['input']) ?? null } : {}),
  };
}
