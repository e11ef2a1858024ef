import { randomBytes } from 'node:crypto';
import { constraintsSchema, routingIntentSchema } from '@voxq/contracts';
import type { HistoricBatch, HistoricDelivery, HistoricJob, HistoricScoresRun } from './history-rows';

/** Test records of the shapes the Redis stores keep, created at a given time (ids carry it). */

const hex12 = (ms: number) => ms.toString(16).padStart(12, '0');
export const jobIdAt = (ms: number) => `job_${hex12(ms)}${randomBytes(8).toString('hex')}`;
export const deliveryIdAt = (ms: number) => `wd_${hex12(ms)}${randomBytes(8).toString('hex')}`;
export const batchIdAt = (ms: number) => `batch_${hex12(ms)}${randomBytes(6).toString('hex')}`;
export const tenantId = () => `t_${randomBytes(6).toString('hex')}`;

export function historicJob(tenant: string, ms: number, overrides: Partial<HistoricJob> = {}): HistoricJob {
  const id = overrides.id ?? jobIdAt(ms);
  return {
    id,
    object: 'job',
    type: 'complete',
    status: 'completed',
    // As stored: the schemas' defaults filled in.
    intent: routingIntentSchema.parse({}),
    constraints: constraintsSchema.parse({}),
    metadata: { line: id },
    webhook: null,
    attempts: 1,
    createdAt: new Date(ms).toISOString(),
    startedAt: new Date(ms + 10).toISOString(),
    finishedAt: new Date(ms + 900).toISOString(),
    result: { text: `reply of ${id}`, usage: { inputTokens: 3, outputTokens: 5 } } as unknown as HistoricJob['result'],
    error: null,
    ...overrides,
    tenantId: tenant,
  };
}

export function historicDelivery(tenant: string, ms: number, overrides: Partial<HistoricDelivery> = {}): HistoricDelivery {
  const at = new Date(ms).toISOString();
  return {
    id: deliveryIdAt(ms),
    tenantId: tenant,
    eventId: `evt_${randomBytes(8).toString('hex')}`,
    eventType: 'job.completed',
    jobId: jobIdAt(ms),
    endpointId: null,
    url: 'https://receiver.example/hook',
    state: 'succeeded',
    attempts: 1,
    lastStatusCode: 200,
    lastError: null,
    nextAttemptAt: null,
    createdAt: at,
    updatedAt: at,
    series: 0,
    ...overrides,
  };
}

export function historicScoresRun(tenant: string | undefined, ms: number): HistoricScoresRun {
  return {
    id: `sr_${randomBytes(16).toString('hex')}`,
    ...(tenant === undefined ? {} : { tenantId: tenant }),
    capability: 'llm',
    intent: {},
    constraints: {},
    createdAt: new Date(ms).toISOString(),
    candidates: [],
    excluded: [{ provider: 'anthropic', reason: 'not configured' }],
  };
}

export function historicBatch(tenant: string, ms: number, overrides: Partial<HistoricBatch['batch']> = {}): HistoricBatch {
  const seconds = Math.floor(ms / 1000);
  return {
    batch: {
      id: batchIdAt(ms),
      tenantId: tenant,
      endpoint: '/v1/chat/completions',
      input_file_id: `file-${randomBytes(12).toString('hex')}`,
      completion_window: '24h',
      status: 'completed',
      output_file_id: `file-${randomBytes(12).toString('hex')}`,
      error_file_id: null,
      errors: null,
      created_at: seconds,
      in_progress_at: seconds + 1,
      expires_at: seconds + 86_400,
      finalizing_at: seconds + 60,
      completed_at: seconds + 61,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      total: 2,
      metadata: null,
      webhook: null,
      outputExpiresAfter: null,
      finalCounts: { total: 2, completed: 2, failed: 0 },
      ...overrides,
    },
    progress: { expanded: 2, completed: 2, failed: 0, cancelled: 0 },
    cancelRequestedAt: null,
  };
}
