import type { Pool } from 'pg';
import type { WebhookDeliveryState, WebhookEventType } from '@voxq/contracts';
import { insertRows, pageById, type Column } from './history-table';
import {
  historicAttemptSchema,
  historicDeliverySchema,
  storedEventSchema,
  type HistoricAttempt,
  type HistoricDelivery,
  type HistoryPage,
} from './history-rows';
import { createdAtOf } from './job-history';
import { timeOfId } from './record-time';

const DELIVERY_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'text' },
  { name: 'subject_id', type: 'text' },
  { name: 'endpoint_id', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'event_type', type: 'text' },
  { name: 'recorded_at', type: 'timestamptz' },
  { name: 'record', type: 'jsonb' },
  { name: 'event', type: 'jsonb' },
];

const ATTEMPT_COLUMNS: readonly Column[] = [
  { name: 'subject_id', type: 'text' },
  { name: 'attempt_key', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'tenant_id', type: 'text' },
  { name: 'delivery_id', type: 'text' },
  { name: 'attempted_at', type: 'timestamptz' },
  { name: 'line', type: 'jsonb' },
];

/** A delivery with the event it sent (null when that was already past retention when it moved). */
export interface DeliveryWithEvent {
  delivery: HistoricDelivery;
  event: Record<string, unknown> | null;
}

/** The filters of `GET /v1/webhook-deliveries`, as `WebhookDeliveryStore.list` takes them. */
export interface DeliveryListOptions {
  state?: WebhookDeliveryState | undefined;
  eventType?: WebhookEventType | undefined;
  /** Recorded at or after / at or before. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** The event's subject: a job id, or a batch id for `batch.*` deliveries. */
  jobId?: string | undefined;
  endpointId?: string | undefined;
  limit: number;
  after?: string | undefined;
}

/**
 * A delivery can change after it moved: a redelivery starts a new series of attempts, and the
 * delivery moves again when that ends. So a row is replaced by a later version of its record
 * (a later `updatedAt`; ISO times of one format compare as bytes), and left as it is by the
 * same version written twice (a mover that died before its release) or an older one.
 */
const NEWER_DELIVERY = `ON CONFLICT (id, created_at) DO UPDATE SET
  endpoint_id = excluded.endpoint_id, state = excluded.state, record = excluded.record,
  event = COALESCE(excluded.event, webhook_deliveries.event), moved_at = now()
  WHERE (excluded.record->>'updatedAt') COLLATE "C" > (webhook_deliveries.record->>'updatedAt') COLLATE "C"`;

/** Writes deliveries with their events; a delivery already there is replaced only by a later version of it. */
export async function writeDeliveries(pool: Pool, deliveries: readonly DeliveryWithEvent[]): Promise<number> {
  const rows = deliveries.map(({ delivery: d, event }) => ({
    id: d.id,
    created_at: createdAtOf(d.id),
    tenant_id: d.tenantId,
    subject_id: d.jobId,
    endpoint_id: d.endpointId,
    state: d.state,
    event_type: d.eventType,
    recorded_at: d.createdAt,
    record: d,
    event,
  }));
  return insertRows(
    pool,
    'webhook_deliveries',
    DELIVERY_COLUMNS,
    rows,
    rows.map((row) => row.created_at.getTime()),
    NEWER_DELIVERY,
  );
}

export async function getDelivery(pool: Pool, tenantId: string, id: string): Promise<DeliveryWithEvent | null> {
  const createdAt = timeOfId(id);
  if (!createdAt || !id.startsWith('wd_')) return null;
  const { rows } = await pool.query<{ record: unknown; event: unknown }>(
    'SELECT record, event FROM webhook_deliveries WHERE id = $1 AND created_at = $2 AND tenant_id = $3',
    [id, createdAt, tenantId],
  );
  return rows[0] ? { delivery: historicDeliverySchema.parse(rows[0].record), event: storedEventSchema.parse(rows[0].event) } : null;
}

/** Newest first; the most selective index serves each filter (subject, endpoint, state, else the tenant's). */
export async function listDeliveries(pool: Pool, tenantId: string, options: DeliveryListOptions): Promise<HistoryPage<HistoricDelivery>> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (options.jobId !== undefined) where.push(`subject_id = ${bind(options.jobId)}`);
  if (options.endpointId !== undefined) where.push(`endpoint_id = ${bind(options.endpointId)}`);
  if (options.state) where.push(`state = ${bind(options.state)}`);
  if (options.eventType) where.push(`event_type = ${bind(options.eventType)}`);
  if (options.from) where.push(`recorded_at >= ${bind(options.from)}`);
  if (options.to) where.push(`recorded_at <= ${bind(options.to)}`);
  const page = await pageById<{ id: string; record: unknown }>(pool, {
    table: 'webhook_deliveries',
    where,
    params,
    select: 'record',
    limit: options.limit,
    after: options.after,
    afterTime: options.after === undefined ? undefined : timeOfId(options.after),
  });
  return { items: page.rows.map((row) => historicDeliverySchema.parse(row.record)), nextCursor: page.nextCursor };
}

/** A subject's attempt log to move: whose subject it is, and its lines (any order). */
export interface AttemptLogToWrite {
  tenantId: string;
  /** A job id, or a batch id for `batch.*` deliveries. */
  subjectId: string;
  lines: readonly HistoricAttempt[];
}

/** Names a line of the log: its delivery, series and attempt, and when it ran (old lines lack the delivery). */
const attemptKeyOf = (line: HistoricAttempt) => `${line.deliveryId ?? ''}.${line.series ?? 0}.${line.attempt}@${line.at}`;

export async function writeAttemptLogs(pool: Pool, logs: readonly AttemptLogToWrite[]): Promise<number> {
  const rows = logs.flatMap((log) => {
    const createdAt = createdAtOf(log.subjectId);
    return log.lines.map((line) => ({
      subject_id: log.subjectId,
      attempt_key: attemptKeyOf(line),
      created_at: createdAt,
      tenant_id: log.tenantId,
      delivery_id: line.deliveryId ?? null,
      attempted_at: line.at,
      line,
    }));
  });
  return insertRows(
    pool,
    'webhook_attempts',
    ATTEMPT_COLUMNS,
    rows,
    rows.map((row) => row.created_at.getTime()),
  );
}

/** A subject's attempt log, newest first, at most `limit` lines (the Redis log keeps 50). */
export async function readAttemptLog(pool: Pool, tenantId: string, subjectId: string, limit = 50): Promise<HistoricAttempt[]> {
  const createdAt = timeOfId(subjectId);
  if (!createdAt) return [];
  const { rows } = await pool.query<{ line: unknown }>(
    'SELECT line FROM webhook_attempts WHERE subject_id = $1 AND created_at = $2 AND tenant_id = $3 ORDER BY attempted_at DESC, attempt_key DESC LIMIT $4',
    [subjectId, createdAt, tenantId, limit],
  );
  return rows.map((row) => historicAttemptSchema.parse(row.line));
}
