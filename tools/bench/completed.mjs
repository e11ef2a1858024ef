// How many of a tenant's jobs have completed, for the bench's progress polls. voxq keeps no
// index per status (a status change would cost two index writes on every job), so the count
// comes from the usage counters each completion adds in the same step as its result: the
// `<capability>|<provider>|jobs` fields of the tenant's day hash, over every shard, today
// and yesterday (a run across midnight UTC counts on both days).
const DAY_MS = 86_400_000;
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * A function counting the tenant's completed jobs. `shardKeys`: each shard's key builder
 * (`redisKeys(prefix)` alone on one Redis, `KeyShards.keysOf(k)` for each k on a cluster);
 * `redis` may be a Cluster client.
 */
export function completedCounter(redis, tenant, shardKeys) {
  const keys = () => {
    const now = Date.now();
    return shardKeys.flatMap((k) => [day(now), day(now - DAY_MS)].map((d) => k.metering.day(tenant, d)));
  };
  return async () => {
    const hashes = await Promise.all(keys().map((key) => redis.hgetall(key)));
    let total = 0;
    for (const hash of hashes) for (const [field, n] of Object.entries(hash)) if (field.endsWith('|jobs')) total += Number(n);
    return total;
  };
}
