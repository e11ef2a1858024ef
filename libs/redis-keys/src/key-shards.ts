import keySlot from 'cluster-key-slot';
import { redisKeys, type RedisKeys } from './redis-keys';

const SLOTS = 16_384;
/** The most shards an installation may have: a shard is picked from one byte of an id. */
export const MAX_SHARDS = 256;

const HASH_TAG = /\{([^{}]+)\}/;

/** `k`'s bits in reverse order, as a fraction of 1: 0, 1/2, 1/4, 3/4, 1/8, … (van der Corput). */
function spreadPoint(k: number): number {
  let reversed = 0;
  for (let bit = 0; bit < 8; bit++) if (k & (1 << bit)) reversed |= 1 << (7 - bit);
  return reversed / MAX_SHARDS;
}

/**
 * Shard `k`'s hash tag: the first of `<tag>:<k>`, `<tag>:<k>.1`, `<tag>:<k>.2`, … whose slot
 * falls in shard `k`'s window of the slot space. The windows start at the points
 * `spreadPoint` lists, counted from shard 0's slot (the tag's own), so the first N shards
 * sit evenly around the slots for any N, and a cluster whose masters own equal slot ranges
 * (what `redis-cli --cluster create` makes) gets an even share of them. Depends on the tag
 * and `k` alone: a stored name.
 */
function shardTag(tag: string, k: number): string {
  const start = (keySlot(tag) + Math.floor(spreadPoint(k) * SLOTS)) % SLOTS;
  const width = SLOTS / MAX_SHARDS;
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? `${tag}:${k}` : `${tag}:${k}.${n}`;
    const slot = keySlot(candidate);
    if ((slot - start + SLOTS) % SLOTS < width) return candidate;
  }
}

/**
 * Where a job's keys live. Shard 0 is the installation's prefix itself, so an installation
 * with one shard (every single-Redis one) keeps the key names it always had. With N > 1
 * (a Redis Cluster, `QUEUE_SHARDS`), shard k > 0 swaps the prefix's hash tag for a tag of
 * its own, so each shard's keys share one slot and the shards spread over the masters.
 *
 * A job's shard comes from its id (the last byte of its random part, mod N), and a key's
 * (an `Idempotency-Key`'s) from its hash: no lookup is needed to find either. So N is fixed
 * for an installation's life (`ShardCount` stores it and refuses a change).
 *
 * A shard holds a job's BullMQ queue (with its tool calls, BullMQ flows' children, which
 * must share the parent's slot), its record, the tenant indexes it is listed in, the day's
 * usage it adds to, its finished record's place in the queue to the history tier, its stream, and its batch's counts of it. The
 * rest (tenants, keys, webhooks, batches' records, drops) stays under the prefix: shard 0.
 */
export class KeyShards {
  private static readonly made = new Map<string, KeyShards>();

  /** An installation's shards (`config.redis`), made once per process. */
  static for(redis: { prefix: string; shards: number }): KeyShards {
    const id = `${redis.shards}|${redis.prefix}`;
    let shards = KeyShards.made.get(id);
    if (!shards) KeyShards.made.set(id, (shards = new KeyShards(redis.prefix, redis.shards)));
    return shards;
  }

  private readonly prefixes: string[];
  private readonly keys: RedisKeys[];

  constructor(
    readonly prefix: string,
    readonly count = 1,
  ) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new Error(`shards: a whole number from 1 to ${MAX_SHARDS} (got ${count})`);
    const tag = HASH_TAG.exec(prefix)?.[1];
    if (count > 1 && !tag) throw new Error(`shards: ${count} shards need a hash-tagged prefix such as {${prefix}} (got '${prefix}')`);
    this.prefixes = Array.from({ length: count }, (_, k) => (k === 0 || !tag ? prefix : prefix.replace(HASH_TAG, `{${shardTag(tag, k)}}`)));
    this.keys = this.prefixes.map((p) => redisKeys(p));
  }

  /** Every shard's index: 0 … N-1. */
  all(): number[] {
    return this.prefixes.map((_, k) => k);
  }

  /** Shard `k`'s key prefix (its BullMQ prefix is `redisKeys(prefixOf(k)).bull.prefix()`). */
  prefixOf(k: number): string {
    return this.prefixes[k] ?? this.fail(k);
  }

  /** Shard `k`'s keys. */
  keysOf(k: number): RedisKeys {
    return this.keys[k] ?? this.fail(k);
  }

  /** The shard of a voxq id (`job_…`, hex digits last): its last byte, mod N. */
  ofId(id: string): number {
    if (this.count === 1) return 0;
    const last = id.slice(-2);
    // Not voxq's (a client's guess at an id): any shard will answer "not found".
    return /^[0-9a-f]{2}$/i.test(last) ? Number.parseInt(last, 16) % this.count : 0;
  }

  /** Keys outside the shards (tenants, API keys, webhooks, batches' records): the prefix's own, shard 0's. */
  get base(): RedisKeys {
    return this.keys[0]!;
  }

  /** The keys of the shard `id` lives in. */
  keysFor(id: string): RedisKeys {
    return this.keysOf(this.ofId(id));
  }

  private fail(k: number): never {
    throw new Error(`shards: no shard ${k} of ${this.count}`);
  }
}
