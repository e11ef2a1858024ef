import type { RedisClient } from '@voxq/redis-keys';
import {
  WEBHOOK_DELIVERY_STATES,
  webhookEventSchema,
  type WebhookDeliveryState,
  type WebhookDeliveryRecord,
  type WebhookDeliveryView,
  type WebhookEvent,
  type WebhookEventType,
} from '@voxq/contracts';
import { mergeIndexPages, pairsToObject, readIndexPage } from '@voxq/job-store';
import { errors } from '@voxq/errors';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { deliveryAttemptSchema, type DeliveryAttempt } from './delivery-log';
import { DELIVERY_ID_PATTERN, deliveryIdOf, idFloor } from './ids';
import createLua from './scripts/delivery-create.lua';
import restoreLua from './scripts/delivery-restore.lua';
import transitionLua from './scripts/delivery-transition.lua';

/** A delivery as stored (`webhookDeliveryRecordSchema`, @voxq/contracts, which the history tier shares). */
export type DeliveryRecord = WebhookDeliveryRecord;

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

/**
 * The history tier as the delivery store reads it (`libs/history`'s HistoryStore, Postgres):
 * finished deliveries, their events and their subjects' attempt logs move there
 * (`DeliveryHandoff`), and are read from there once Redis no longer holds them.
 */
export interface DeliveryHistory {
  /** A tenant's delivery and the event it sent, or null (none, or another tenant's). */
  getDelivery(tenantId: string, id: string): Promise<{ delivery: DeliveryRecord; event: Record<string, unknown> | null } | null>;
  /** Newest first, with the same exclusive cursor as `WebhookDeliveryStore.list`. */
  listDeliveries(tenantId: string, options: DeliveryListOptions): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }>;
  /** A tenant's subject's attempt log, newest first. */
  readAttemptLog(tenantId: string, subjectId: string): Promise<DeliveryAttempt[]>;
}

export interface DeliveryStoreOptions {
  /**
   * Finished deliveries wait in Redis, without expiry, for the history mover (a history tier
   * is configured: `POSTGRES_URL`), rather than expiring after the retention. Set in every
   * process that changes deliveries, whether or not it reads the history tier.
   * @defaultValue true when `history` is given, else false
   */
  toHistory?: boolean;
  /** Where moved deliveries are read (the API's store; the dispatcher reads no history). */
  history?: DeliveryHistory;
}

/** A delivery and the event it sends (null once past retention); `moved`: only the history tier had it. */
export interface FoundDelivery {
  record: DeliveryRecord;
  event: WebhookEvent | null;
  moved: boolean;
}

interface DeliveryScripts {
  voxqDeliveryCreate(...args: (string | number)[]): Promise<string>;
  voxqDeliveryTransition(...args: (string | number)[]): Promise<string[]>;
  voxqDeliveryRestore(...args: (string | number)[]): Promise<string>;
}

const nullable = (value: string | undefined) => (value ? value : null);
const parse = (hash: Record<string, string>) => parseDeliveryRecord(hash);

/** A record as its Redis hash's field/value pairs (null as ''), as `parseDeliveryRecord` reads it back. */
function hashFields(record: DeliveryRecord): string[] {
  return Object.entries(record).flatMap(([field, value]) => [field, value === null ? '' : String(value)]);
}

/** A subject's attempt log lines as the dispatcher wrote them, newest first. */
export function parseAttemptLines(subjectId: string, lines: readonly string[]): DeliveryAttempt[] {
  return lines.map((line) => {
    const parsed = deliveryAttemptSchema.safeParse(JSON.parse(line));
    // Only the dispatcher writes these lines: one that does not parse is our bug, not the client's.
    if (!parsed.success) throw errors.internal(`unreadable delivery log line of ${subjectId}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  });
}

/** A delivery's Redis hash as its record, or null when the hash is gone (or not a delivery's). */
export function parseDeliveryRecord(hash: Record<string, string>): DeliveryRecord | null {
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
 *
 * With a history tier, a finished delivery waits in Redis until the mover has copied it to
 * Postgres (`DeliveryHandoff`), then stays readable for the hot window; reads look in Redis,
 * then in the history tier (docs/history.md).
 */
export class WebhookDeliveryStore {
  private readonly redis: RedisClient & DeliveryScripts;
  private readonly keys: RedisKeys['webhookDeliveries'];
  /** Finished deliveries wait for the history mover (see `DeliveryStoreOptions.toHistory`). */
  readonly movesToHistory: boolean;
  private readonly history: DeliveryHistory | undefined;

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly retentionSeconds: number,
    options: DeliveryStoreOptions = {},
  ) {
    this.redis = defineScripts<DeliveryScripts>(redis, {
      voxqDeliveryCreate: { keys: 6, lua: createLua },
      voxqDeliveryTransition: { keys: 1 + WEBHOOK_DELIVERY_STATES.length + 3, lua: transitionLua },
      voxqDeliveryRestore: { keys: 7, lua: restoreLua },
    });
    this.keys = redisKeys(prefix).webhookDeliveries;
    this.history = options.history;
    this.movesToHistory = options.toHistory ?? options.history !== undefined;
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

  /**
   * Moves a delivery to `to` if it is in one of `from`; `mode` counts an attempt or starts a
   * series. With a history tier, a final state puts it in the mover's pending set (see the script).
   */
  async transition(
    record: Pick<DeliveryRecord, 'id' | 'tenantId' | 'eventId' | 'jobId'>,
    to: WebhookDeliveryState,
    from: readonly WebhookDeliveryState[],
    update: DeliveryUpdate = {},
    { mode = '', now = new Date() }: { mode?: '' | 'attempt' | 'redeliver'; now?: Date } = {},
  ): Promise<DeliveryTransition> {
    const pairs = ['updatedAt', now.toISOString()];
    for (const [field, value] of Object.entries(update)) pairs.push(field, value === null || value === undefined ? '' : String(value));
    const recordKey = this.recordKey(record.id);
    const keys = [
      recordKey,
      ...WEBHOOK_DELIVERY_STATES.map((s) => this.stateKey(record.tenantId, s)),
      // Unused without a history tier: the record key stands in (a cluster refuses '' as a key of another slot).
      this.movesToHistory ? this.keys.historyPending() : recordKey,
      this.movesToHistory && record.eventId ? this.eventKey(record.eventId) : recordKey,
      this.movesToHistory && record.jobId ? this.keys.attemptLog(record.jobId) : recordKey,
    ];
    const history = [this.movesToHistory ? now.getTime() : 0, this.retentionSeconds];
    const [kind, value, ...rest] = await this.redis.voxqDeliveryTransition(
      ...keys,
      record.id,
      to,
      from.join(','),
      mode,
      this.floor(now.getTime()),
      ...history,
      ...pairs,
    );
    if (kind === 'ok') {
      const parsed = parse(pairsToObject(rest));
      return parsed ? { kind, previous: value as WebhookDeliveryState, record: parsed } : { kind: 'missing' };
    }
    if (kind === 'rejected') return { kind, current: value as WebhookDeliveryState };
    return { kind: 'missing' };
  }

  /** The tenant's delivery, or null when it does not exist (any more) or is another tenant's. Redis first, then the history tier. */
  async get(tenantId: string, id: string): Promise<DeliveryRecord | null> {
    return (await this.find(tenantId, id, { withEvent: false }))?.record ?? null;
  }

  /** The tenant's delivery with the event it sends (read only when asked), wherever it is. */
  async find(tenantId: string, id: string, { withEvent = true } = {}): Promise<FoundDelivery | null> {
    const record = await this.read(id);
    if (record) {
      if (record.tenantId !== tenantId) return null;
      const event = withEvent ? await this.event(record.eventId) : null;
      // The event leaves Redis at the end of the hot window too, maybe a moment before the record.
      if (event || !withEvent || !this.history) return { record, event, moved: false };
      return { record, event: parseEvent((await this.history.getDelivery(tenantId, id))?.event ?? null), moved: false };
    }
    if (!this.history || !DELIVERY_ID_PATTERN.test(id)) return null;
    const moved = await this.history.getDelivery(tenantId, id);
    return moved && { record: moved.delivery, event: parseEvent(moved.event), moved: true };
  }

  /** Older than the retention: the dispatcher's gate expires it rather than send it. */
  pastRetention(record: Pick<DeliveryRecord, 'createdAt'>, now = Date.now()): boolean {
    return now - Date.parse(record.createdAt) > this.retentionSeconds * 1000;
  }

  /** Any tenant's delivery: for the dispatcher, never for request paths. */
  async read(id: string): Promise<DeliveryRecord | null> {
    if (!DELIVERY_ID_PATTERN.test(id)) return null;
    return parse(await this.redis.hgetall(this.recordKey(id)));
  }

  /** The event a delivery sends, as Redis holds it: null once past retention (or moved). */
  async event(eventId: string): Promise<WebhookEvent | null> {
    const json = await this.redis.get(this.eventKey(eventId));
    return json ? parseEvent(JSON.parse(json)) : null;
  }

  /**
   * The attempt log of an event's subject (a job, or a batch), newest first: Redis's while it
   * has one, else the history tier's. The caller checks the subject is the tenant's; the
   * history tier's read is tenant-scoped as well.
   */
  async attempts(tenantId: string, subjectId: string): Promise<DeliveryAttempt[]> {
    const lines = await this.redis.lrange(this.keys.attemptLog(subjectId), 0, -1);
    if (lines.length > 0 || !this.history) return parseAttemptLines(subjectId, lines);
    return this.history.readAttemptLog(tenantId, subjectId);
  }

  /**
   * Puts a finished delivery back among the hot ones before it is redelivered: its record
   * (from the history tier's copy when only that is left), its event and its index entries,
   * which the mover dropped, and its subject's attempt log when Redis has none. It then lives
   * the retention again, and moves again once its new series ends.
   */
  async restore(found: FoundDelivery & { event: WebhookEvent }): Promise<void> {
    const { record, event } = found;
    const recordKey = this.recordKey(record.id);
    const keys = [
      recordKey,
      this.eventKey(record.eventId),
      this.keys.historyPending(),
      this.tenantKey(record.tenantId),
      this.stateKey(record.tenantId, record.state),
      record.jobId ? this.jobKey(record.jobId) : recordKey,
      record.endpointId ? this.endpointKey(record.endpointId) : recordKey,
    ];
    await this.redis.voxqDeliveryRestore(...keys, record.id, this.retentionSeconds, JSON.stringify(event), this.floor(), ...hashFields(record));
    if (!found.moved || !record.jobId || !this.history) return;
    const log = this.keys.attemptLog(record.jobId);
    if ((await this.redis.llen(log)) > 0) return;
    const lines = await this.history.readAttemptLog(record.tenantId, record.jobId);
    // Newest first, as the dispatcher's LPUSH keeps it; appended only if it is still empty.
    if (lines.length > 0)
      await this.redis
        .multi()
        .rpush(log, ...lines.map((l) => JSON.stringify(l)))
        .expire(log, this.retentionSeconds)
        .exec();
  }

  /**
   * Newest first. The most selective index is read (job, endpoint, state, else all) and
   * any other filter is applied to the records, in a bounded scan: a page may come back
   * short with a `nextCursor` to continue from. With a history tier, its page follows and
   * the two are merged by id: Redis is read first, because the mover drops index entries
   * only once Postgres has the rows, so a delivery moving meanwhile shows once, never not.
   */
  async list(tenantId: string, options: DeliveryListOptions): Promise<{ deliveries: DeliveryRecord[]; nextCursor: string | null }> {
    const keep = (r: DeliveryRecord) =>
      r.tenantId === tenantId &&
      (!options.state || r.state === options.state) &&
      (!options.jobId || r.jobId === options.jobId) &&
      (!options.endpointId || r.endpointId === options.endpointId) &&
      (!options.eventType || r.eventType === options.eventType) &&
      (!options.from || Date.parse(r.createdAt) >= options.from.getTime()) &&
      (!options.to || Date.parse(r.createdAt) <= options.to.getTime());
    const hot = await this.listHot(tenantId, options, keep);
    const open = options.state !== undefined && OPEN_DELIVERY_STATES.includes(options.state);
    if (!this.history || open) return { deliveries: hot.items, nextCursor: hot.nextCursor };
    const cold = await this.history.listDeliveries(tenantId, options);
    const page = mergeIndexPages([hot, { items: await this.fresher(cold.items, keep), nextCursor: cold.nextCursor }], options.limit, (r) => r.id);
    return { deliveries: page.items, nextCursor: page.nextCursor };
  }

  private async listHot(tenantId: string, options: DeliveryListOptions, keep: (r: DeliveryRecord) => boolean) {
    const index = options.jobId
      ? this.jobKey(options.jobId)
      : options.endpointId
        ? this.endpointKey(options.endpointId)
        : options.state
          ? this.stateKey(tenantId, options.state)
          : this.tenantKey(tenantId);
    await this.redis.zremrangebylex(index, '-', `(${this.floor()}`);
    return readIndexPage(this.redis, {
      index,
      limit: options.limit,
      ...(options.after ? { after: options.after } : {}),
      recordKey: this.recordKey,
      parse,
      keep,
      idOf: (record) => record.id,
    });
  }

  /**
   * The history tier's rows, each replaced by its Redis record while Redis still has one (the
   * hot window, or a redelivery under way, which Postgres only learns of when it moves again).
   */
  private async fresher(rows: DeliveryRecord[], keep: (r: DeliveryRecord) => boolean): Promise<DeliveryRecord[]> {
    if (rows.length === 0) return rows;
    const pipeline = this.redis.pipeline();
    for (const row of rows) pipeline.hgetall(this.recordKey(row.id));
    const hashes = (await pipeline.exec()) ?? [];
    return rows.flatMap((row, i) => {
      const [error, hash] = hashes[i] ?? [null, {}];
      if (error) throw error;
      const hot = parse(hash as Record<string, string>);
      return !hot ? [row] : keep(hot) ? [hot] : [];
    });
  }
}

/** An event as stored (Redis's JSON, or the history tier's row), or null when it is not one. */
function parseEvent(raw: unknown): WebhookEvent | null {
  if (raw === null || raw === undefined) return null;
  const parsed = webhookEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
