import type { RedisClient } from '@voxq/redis-keys';
import { defineScripts, Lease, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { deliveryAttemptSchema, type DeliveryAttempt } from './delivery-log';
import { FINAL_DELIVERY_STATES, parseDeliveryRecord, type DeliveryRecord } from './delivery-store';
import releaseLua from './scripts/delivery-release.lua';

/** A delivery taken from the pending set: its record (null when gone from under its entry) as it was then. */
interface TakenDelivery {
  id: string;
  /** Its score in the pending set (when it finished, ms), as Redis wrote it: release compares it. */
  score: string;
  record: DeliveryRecord | null;
}

/** Finished deliveries taken from the pending set, with what the history tier keeps of them. */
export interface DeliveryHandoffBatch {
  taken: TakenDelivery[];
  /** The records to copy, each with the event it sent (null when that was already gone). */
  deliveries: Array<{ delivery: DeliveryRecord; event: Record<string, unknown> | null }>;
  /** The lines of the taken deliveries in their subjects' attempt logs. */
  logs: Array<{ tenantId: string; subjectId: string; lines: DeliveryAttempt[] }>;
}

interface HandoffScripts {
  voxqDeliveryRelease(...args: Array<string | number>): Promise<number>;
}

/**
 * The Redis side of moving finished webhook deliveries to the history tier, as
 * `HistoryHandoff` is for job records: a delivery reaching a final state waits, without
 * expiry, in one pending set (deliveries are not sharded: all their keys are under the
 * prefix, one slot); `take` reads the oldest with their events and attempt log lines; once
 * the history tier holds them, `release` drops them from the indexes and lets Redis keep
 * them for the hot window. A mover that dies between the two leaves them where they were,
 * and the next copies them again (the history tier keeps one row each).
 */
export class DeliveryHandoff {
  private readonly redis: RedisClient & HandoffScripts;
  private readonly leases: Lease;
  private readonly keys: RedisKeys['webhookDeliveries'];

  constructor(
    redis: RedisClient,
    prefix: string,
    /** How long a released delivery stays readable in Redis, counted from when it finished. */
    private readonly hotSeconds: number,
  ) {
    // The key count travels with each call: seven keys per delivery released.
    this.redis = defineScripts<HandoffScripts>(redis, { voxqDeliveryRelease: { lua: releaseLua } });
    this.leases = new Lease(redis);
    this.keys = redisKeys(prefix).webhookDeliveries;
  }

  /** Up to `limit` of the oldest waiting deliveries, or null when none waits. */
  async take(limit: number): Promise<DeliveryHandoffBatch | null> {
    const pending = await this.redis.zrange(this.keys.historyPending(), 0, limit - 1, 'WITHSCORES');
    if (pending.length === 0) return null;
    const ids: Array<{ id: string; score: string }> = [];
    for (let i = 0; i + 1 < pending.length; i += 2) ids.push({ id: pending[i]!, score: pending[i + 1]! });
    const hashes = await this.all<Record<string, string>>((p) => ids.forEach(({ id }) => p.hgetall(this.keys.record(id))));
    const taken = ids.map(({ id, score }, i) => ({ id, score, record: parseDeliveryRecord(hashes[i]!) }));
    // Final, all of them, unless redelivered since they were listed: those are left for release to skip.
    const records = taken.flatMap((t) => (t.record && FINAL_DELIVERY_STATES.includes(t.record.state) ? [t.record] : []));

    const eventIds = [...new Set(records.map((r) => r.eventId))];
    const subjects = [...new Map(records.flatMap((r) => (r.jobId ? [[r.jobId, r.tenantId] as const] : []))).entries()];
    const [events, logs] = await Promise.all([
      this.all<string | null>((p) => eventIds.forEach((e) => p.get(this.keys.event(e)))),
      this.all<string[]>((p) => subjects.forEach(([subject]) => p.lrange(this.keys.attemptLog(subject), 0, -1))),
    ]);
    const eventOf = new Map(eventIds.map((id, i) => [id, parseJson(events[i] ?? null)]));
    const movingIds = new Set(records.map((r) => r.id));
    return {
      taken,
      deliveries: records.map((delivery) => ({ delivery, event: eventOf.get(delivery.eventId) ?? null })),
      logs: subjects.map(([subjectId, tenantId], i) => ({ tenantId, subjectId, lines: linesOf(logs[i] ?? [], movingIds) })),
    };
  }

  /** The history tier holds the batch: its deliveries leave the pending set and the indexes, and Redis after the hot window. */
  async release(batch: DeliveryHandoffBatch, now = Date.now()): Promise<number> {
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const { id, score, record } of batch.taken) {
      const recordKey = this.keys.record(id);
      const or = (key: string | false | null | undefined) => key || recordKey;
      keys.push(
        recordKey,
        or(record && this.keys.event(record.eventId)),
        or(record && this.keys.tenantIndex(record.tenantId)),
        or(record && this.keys.stateIndex(record.tenantId, record.state)),
        or(record?.jobId && this.keys.subjectIndex(record.jobId)),
        or(record?.endpointId && this.keys.endpointIndex(record.endpointId)),
        or(record?.jobId && this.keys.attemptLog(record.jobId)),
      );
      args.push(id, score, record?.series ?? 0, Math.max(1, Math.ceil(this.hotSeconds - (now - Number(score)) / 1000)));
    }
    return this.redis.voxqDeliveryRelease(1 + keys.length, this.keys.historyPending(), ...keys, ...args);
  }

  /** How many finished deliveries wait, and when the oldest of them finished. */
  async backlog(): Promise<{ deliveries: number; oldestFinishedAt: number | null }> {
    const pending = this.keys.historyPending();
    const [deliveries, oldest] = await Promise.all([this.redis.zcard(pending), this.redis.zrange(pending, 0, 0, 'WITHSCORES')]);
    return { deliveries, oldestFinishedAt: oldest.length === 2 ? Number(oldest[1]) : null };
  }

  /** Takes the mover lease for `ms` (one process moves deliveries at a time); false when another holds it. */
  lease(token: string, ms: number): Promise<boolean> {
    return this.leases.take(this.keys.historyMover(), token, ms);
  }

  /** Gives the lease back if this token still holds it. */
  unlease(token: string): Promise<void> {
    return this.leases.give(this.keys.historyMover(), token);
  }

  /** The replies of one pipeline (every key under the prefix: one slot), failing on the first error. */
  private async all<T>(queue: (pipeline: ReturnType<RedisClient['pipeline']>) => void): Promise<T[]> {
    const pipeline = this.redis.pipeline();
    queue(pipeline);
    if (pipeline.length === 0) return [];
    return ((await pipeline.exec()) ?? []).map(([error, reply]) => {
      if (error) throw error;
      return reply as T;
    });
  }
}

function parseJson(json: string | null): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    // Not JSON: nothing to keep of it (the history row's event is then null).
    return null;
  }
}

/**
 * The log lines of the deliveries moving (and lines older than the delivery ids in them).
 * A line that does not parse is left out rather than failing every round of the lane.
 */
function linesOf(raw: readonly string[], moving: ReadonlySet<string>): DeliveryAttempt[] {
  return raw.flatMap((line) => {
    const parsed = deliveryAttemptSchema.safeParse(parseJson(line));
    if (!parsed.success) return [];
    const { deliveryId } = parsed.data;
    return deliveryId === undefined || deliveryId === null || moving.has(deliveryId) ? [parsed.data] : [];
  });
}
