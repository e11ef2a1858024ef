import type { RedisClient } from '@voxq/redis-keys';
import {
  WEBHOOK_DELIVERY_STATES,
  webhookEventSchema,
  type WebhookDeliveryState,
  type WebhookDeliveryView,
  type WebhookEvent,
  type WebhookEventType,
} from '@voxq/contracts';
import { pairsToObject, readIndexPage } from '@voxq/job-store';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { DELIVERY_ID_PATTERN, deliveryIdOf, idFloor } from './ids';
import createLua from './scripts/delivery-create.lua';
import transitionLua from './scripts/delivery-transition.lua';

/** The view's fields in the Speko SDK's names, derived from the record (and its endpoint) when shown. */
type DerivedDeliveryField = 'status' | 'event' | 'httpStatus' | 'error' | 'endpointName' | 'occurredAt' | 'deliveredAt' | 'canRedeliver';

/** A delivery as stored: the view's fields plus its tenant and attempt series. */
export interface DeliveryRecord extends Omit<WebhookDeliveryView, 'object' | DerivedDeliveryField> {
  /**
   * The event's subject (`event.data.id`): a job id for `job.*` events, a batch id for
   * `batch.*` ones. The field kept its stored and listed name, so a batch's deliveries are
   * listed with `jobId=<batch id>` and indexed under `<prefix>:job:<batch id>:webhook-deliveries`.
   */
  jobId: string | null;
  tenantId: string;
  /** 0 for the first series of attempts, +1 per redelivery (it names the series' queue job). */
  series: number;
}

/** One target of an event: a registered endpoint, or the job's own `webhook.url` (`endpointId` null). */
export interface DeliveryTarget {
  url: string;
  endpointId: string | null;
}

export const FINAL_DELIVERY_STATES: readonly WebhookDeliveryState[] = ['succeeded', 'failed', 'cancelled', 'expired'];
/** States in which a queue job is (or should be) working on the delivery. */
export const OPEN_DELIVERY_STATES: readonly WebhookDeliveryState[] = ['pending', 'delivering'];

export interface DeliveryListOptions {
  state?: WebhookDeliveryState;
  eventType?: WebhookEventType;
  /** Recorded at or after / at or before. */
  from?: Date;
  to?: Date;
  /** A job's id, or a batch's for its `batch.*` deliveries. */
  jobId?: string;
  endpointId?: string;
  limit: number;
  /** Exclusive: the last id of the previous page. */
  after?: string;
}

export type DeliveryTransition =
  { kind: 'ok'; previous: WebhookDeliveryState; record: DeliveryRecord } | { kind: 'rejected'; current: WebhookDeliveryState } | { kind: 'missing' };

interface DeliveryScripts {
  voxqDeliveryCreate(...args: (string | number)[]): Promise<string>;
  voxqDeliveryTransition(...args: (string | number)[]): Promise<string[]>;
}

const nullable = (value: string | undefined) => (value ? value : null);

function parse(hash: Record<string, string>): DeliveryRecord | null {
  if (!hash.id || !hash.tenantId || !hash.state) return null;
  return {
    id: hash.id,
    tenantId: hash.tenantId,
    eventId: hash.eventId ?? '',
    eventType: (hash.eventType ?? 'job.completed') as WebhookEventType,
    jobId: nullable(hash.jobId),
    endpointId: nullable(hash.endpointId),
    url: hash.url ?? '',
    state: hash.state as WebhookDeliveryState,
    attempts: Number(hash.attempts ?? 0),
    lastStatusCode: hash.lastStatusCode ? Number(hash.lastStatusCode) : null,
    lastError: nullable(hash.lastError),
    nextAttemptAt: nullable(hash.nextAttemptAt),
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    series: Number(hash.series ?? 0),
  };
}

/** What a delivery's view needs of its endpoint: its name, and whether it can take a redelivery. */
export interface DeliveryEndpointInfo {
  name: string;
  enabled: boolean;
}

/**
 * The API's view of a delivery: voxq's fields, and the Speko SDK's names for them.
 * `endpoint` is the delivery's endpoint as it is now (undefined: deleted, or none for a
 * job's own `webhook.url`).
 */
export function toDeliveryView(record: DeliveryRecord, endpoint?: DeliveryEndpointInfo): WebhookDeliveryView {
  const { tenantId: _tenant, series: _series, ...rest } = record;
  const targetUsable = record.endpointId === null || endpoint?.enabled === true;
  return {
    ...rest,
    object: 'webhook_delivery',
    status: record.state,
    event: record.eventType,
    httpStatus: record.lastStatusCode,
    error: record.lastError,
    endpointName: record.endpointId === null ? null : (endpoint?.name ?? null),
    occurredAt: record.createdAt,
    deliveredAt: record.state === 'succeeded' ? record.updatedAt : null,
    // What redeliverWebhook accepts (an expired one's event is past retention).
    canRedeliver: FINAL_DELIVERY_STATES.includes(record.state) && record.state !== 'expired' && targetUsable,
  };
}

/** Changes to record with a transition (null clears a field). */
export interface DeliveryUpdate {
  lastStatusCode?: number | null;
  lastError?: string | null;
  nextAttemptAt?: string | null;
}

/**
 * Delivery records (`<prefix>:webhook-delivery:<id>`): one per event and target, kept as
 * long as job records. Indexed per tenant (all, and by state), per job and per endpoint,
 * newest first; index entries of expired records are dropped as listings meet them. The
 * event itself is stored once (`<prefix>:webhook-event:<id>`) so a redelivery sends the
 * very same body.
 */
export class WebhookDeliveryStore {
  private readonly redis: RedisClient & DeliveryScripts;
  private readonly keys: RedisKeys['webhookDeliveries'];

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly retentionSeconds: number,
  ) {
    this.redis = defineScripts<DeliveryScripts>(redis, {
      voxqDeliveryCreate: { keys: 6, lua: createLua },
      voxqDeliveryTransition: { keys: 1 + WEBHOOK_DELIVERY_STATES.length, lua: transitionLua },
    });
    this.keys = redisKeys(prefix).webhookDeliveries;
  }

  private recordKey = (id: string) => this.keys.record(id);
  private eventKey = (eventId: string) => this.keys.event(eventId);
  private tenantKey = (tenantId: string) => this.keys.tenantIndex(tenantId);
  private stateKey = (tenantId: string, state: WebhookDeliveryState) => this.keys.stateIndex(tenantId, state);
  private jobKey = (jobId: string) => this.keys.subjectIndex(jobId);
  private endpointKey = (endpointId: string) => this.keys.endpointIndex(endpointId);
  private floor = (now = Date.now()) => idFloor('wd', now - this.retentionSeconds * 1000);

  /**
   * Records the delivery of `event` to `target` unless it is already recorded. Returns the
   * record's id and state (`new` for a fresh one).
   */
  async record(tenantId: string, event: WebhookEvent, target: DeliveryTarget, now = new Date()): Promise<{ id: string; state: WebhookDeliveryState | 'new' }> {
    const eventMs = Date.parse(event.timestamp);
    const id = deliveryIdOf(Number.isNaN(eventMs) ? now.getTime() : eventMs, event.id, target.endpointId, target.url);
    const at = now.toISOString();
    // The subject: a job or a batch, both indexed as `jobId` (see DeliveryRecord).
    const subjectId = event.data.id;
    const record = this.recordKey(id);
    const keys = [
      record,
      this.eventKey(event.id),
      this.tenantKey(tenantId),
      this.stateKey(tenantId, 'pending'),
      this.jobKey(subjectId),
      // No endpoint: the record key stands in (a cluster refuses '' as a key of another slot).
      target.endpointId ? this.endpointKey(target.endpointId) : record,
    ];
    const fields = [
      'id',
      id,
      'tenantId',
      tenantId,
      'eventId',
      event.id,
      'eventType',
      event.type,
      'jobId',
      subjectId,
      'endpointId',
      target.endpointId ?? '',
      'url',
      target.url,
      'createdAt',
      at,
      'updatedAt',
      at,
    ];
    const state = await this.redis.voxqDeliveryCreate(...keys, id, this.retentionSeconds, JSON.stringify(event), this.floor(now.getTime()), ...fields);
    return { id, state: state as WebhookDeliveryState | 'new' };
  }

  /** Moves a delivery to `to` if it is in one of `from`; `mode` counts an attempt or starts a series. */
  async transition(
    record: Pick<DeliveryRecord, 'id' | 'tenantId'>,
    to: WebhookDeliveryState,
    from: readonly WebhookDeliveryState[],
    update: DeliveryUpdate = {},
    { mode = '', now = new Date() }: { mode?: '' | 'attempt' | 'redeliver'; now?: Date } = {},
  ): Promise<DeliveryTransition> {
    const pairs = ['updatedAt', now.toISOString()];
    for (const [field, value] of Object.entries(update)) pairs.push(field, value === null || value === undefined ? '' : String(value));
    const keys = [this.recordKey(record.id), ...WEBHOOK_DELIVERY_STATES.map((s) => this.stateKey(record.tenantId, s))];
    const [kind, value, ...rest] = await this.redis.voxqDeliveryTransition(...keys, record.id, to, from.join(','), mode, this.floor(now.getTime()), ...pairs);
    if (kind === 'ok') {
      const parsed = parse(pairsToObject(rest));
      return parsed ? { kind, previous: value as WebhookDeliveryState, record: parsed } : { kind: 'missing' };
    }
    if (kind === 'rejected') return { kind, current: value as WebhookDeliveryState };
    return { kind: 'missing' };
  }

  /** The tenant's delivery, or null when it does not exist (any more) or is another tenant's. */
  async get(tenantId: string, id: string): Promise<DeliveryRecord | null> {
    const record = await this.read(id);
    return record && record.tenantId === tenantId ? record : null;
  }

  /** Any tenant's delivery: for the dispatcher, never for request paths. */
  async read(id: string): Promise<DeliveryRecord | null> {
    if (!DELIVERY_ID_PATTERN.test(id)) return null;
    return parse(await this.redis.hgetall(this.recordKey(id)));
  }

  /** The event a delivery sends, or null once it is past retention. */
  async event(eventId: string): Promise<WebhookEvent | null> {
    const json = await this.redis.get(this.eventKey(eventId));
    if (!json) return null;
    const parsed = webhookEventSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }

  /**
   * Newest first. The most selective index is read (job, endpoint, state, else all) and
   * any other filter is applied to the records, in a bounded scan: a page may come back
   * short with a `nextCursor` to continue from.
   */
  async list(tenantId: string, options: DeliveryListOptions): Promise<{ deliveries: DeliveryRecord[]; nextCursor: string | null }> {
    const index = options.jobId
      ? this.jobKey(options.jobId)
      : options.endpointId
        ? this.endpointKey(options.endpointId)
        : options.state
          ? this.stateKey(tenantId, options.state)
          : this.tenantKey(tenantId);
    const keep = (r: DeliveryRecord) =>
      r.tenantId === tenantId &&
      (!options.state || r.state === options.state) &&
      (!options.jobId || r.jobId === options.jobId) &&
      (!options.endpointId || r.endpointId === options.endpointId) &&
      (!options.eventType || r.eventType === options.eventType) &&
      (!options.from || Date.parse(r.createdAt) >= options.from.getTime()) &&
      (!options.to || Date.parse(r.createdAt) <= options.to.getTime());
    await this.redis.zremrangebylex(index, '-', `(${this.floor()}`);

    const page = await readIndexPage(this.redis, {
      index,
      limit: options.limit,
      ...(options.after ? { after: options.after } : {}),
      recordKey: this.recordKey,
      parse,
      keep,
      idOf: (record) => record.id,
    });
    return { deliveries: page.items, nextCursor: page.nextCursor };
  }
}
