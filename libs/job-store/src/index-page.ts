import type { RedisClient } from '@voxq/redis-keys';

export interface IndexPageOptions<T> {
  /** A sorted set whose members sort by time as strings (voxq's time-ordered ids). */
  index: string;
  /** Exclusive: the last id of the previous page. */
  after?: string;
  limit: number;
  /** The hash holding a member's record. */
  recordKey: (id: string) => string;
  /** Only these fields of each record (HMGET); absent: the whole hash (HGETALL). */
  fields?: readonly string[];
  /** The record, or null when its hash is gone (expired): the member is then dropped. */
  parse: (hash: Record<string, string>) => T | null;
  /** Filters the index alone cannot express. */
  keep: (record: T) => boolean;
  idOf: (record: T) => string;
}

/**
 * One page of a time-ordered index, newest first, reading records in pipelined batches and
 * applying the filters the index cannot. The scan is bounded, so a filtered page may come
 * back short with a cursor to continue from; members whose records expired are removed.
 */
export async function readIndexPage<T>(redis: RedisClient, options: IndexPageOptions<T>): Promise<{ items: T[]; nextCursor: string | null }> {
  const { index, limit } = options;
  const items: T[] = [];
  let after = options.after;
  for (let round = 0; round < 20 && items.length < limit; round++) {
    const batch = Math.max(limit * 2, 20);
    const ids = await redis.zrange(index, after ? `(${after}` : '+', '-', 'BYLEX', 'REV', 'LIMIT', 0, batch);
    if (ids.length === 0) return { items, nextCursor: null };
    const pipeline = redis.pipeline();
    const { fields } = options;
    for (const id of ids) {
      if (fields) pipeline.hmget(options.recordKey(id), ...fields);
      else pipeline.hgetall(options.recordKey(id));
    }
    const replies = ((await pipeline.exec()) ?? []).map(([, reply]) => reply);
    const hashes = fields ? replies.map((values) => fieldsToObject(fields, values as Array<string | null>)) : (replies as Array<Record<string, string>>);
    const expired: string[] = [];
    let full = false;
    for (const [i, hash] of hashes.entries()) {
      after = ids[i];
      const record = options.parse(hash);
      if (record === null) {
        expired.push(ids[i]!);
        continue;
      }
      if (!options.keep(record)) continue;
      items.push(record);
      if (items.length === limit) {
        full = true;
        break;
      }
    }
    if (expired.length) await redis.zrem(index, ...expired);
    if (full) return { items, nextCursor: options.idOf(items.at(-1)!) };
    if (ids.length < batch) return { items, nextCursor: null };
  }
  return { items, nextCursor: after ?? null };
}

/**
 * One page from pages of several shards' indexes (each read with the same cursor and limit),
 * newest first. Every item newer than each shard's own cursor is certain to be in order; a
 * shard that stopped early (its cursor set) may still hold items older than its cursor, so
 * the page stops there and the next one starts from it. An item in several pages counts once.
 */
export function mergeIndexPages<T>(
  pages: Array<{ items: T[]; nextCursor: string | null }>,
  limit: number,
  idOf: (item: T) => string,
): { items: T[]; nextCursor: string | null } {
  if (pages.length === 1) return pages[0]!;
  const open = pages.map((p) => p.nextCursor).filter((c): c is string => c !== null);
  // Ids sort by time as strings: the newest unfinished shard's cursor bounds what is certain.
  const bound = open.reduce<string | null>((max, c) => (max === null || c > max ? c : max), null);
  const seen = new Set<string>();
  const merged = pages
    .flatMap((p) => p.items)
    // An item in two pages (a record moving from Redis to the history tier) counts once: the first page's.
    .filter((item) => {
      const id = idOf(item);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .filter((item) => bound === null || idOf(item) >= bound)
    .sort((a, b) => (idOf(a) < idOf(b) ? 1 : idOf(a) > idOf(b) ? -1 : 0));
  const items = merged.slice(0, limit);
  if (merged.length > limit) return { items, nextCursor: idOf(items.at(-1)!) };
  if (bound === null) return { items, nextCursor: null };
  return { items, nextCursor: items.length > 0 ? idOf(items.at(-1)!) : bound };
}

/** An HMGET reply as the object HGETALL would give for those fields (absent ones left out). */
export function fieldsToObject(fields: readonly string[], values: ReadonlyArray<string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  fields.forEach((field, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) out[field] = value;
  });
  return out;
}

/** A Redis reply of alternating fields and values, as an object. */
export function pairsToObject(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) out[pairs[i]!] = pairs[i + 1]!;
  return out;
}
