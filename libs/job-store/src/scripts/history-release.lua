-- Releases finished records the history tier now holds. KEYS: the shard's pending set, then
-- four keys per job: its record, and its tenant, type and status index. ARGV: per job, its id
-- and how many more seconds its record stays readable in Redis (the hot window's rest).
-- The record keeps its place in Redis for the hot window, but leaves the indexes at once:
-- listings find it in the history tier from now on.
for j = 0, #ARGV / 2 - 1 do
  local id, ttl, k = ARGV[j * 2 + 1], tonumber(ARGV[j * 2 + 2]), 1 + j * 4
  redis.call('ZREM', KEYS[1], id)
  redis.call('EXPIRE', KEYS[k + 1], ttl)
  redis.call('ZREM', KEYS[k + 2], id)
  redis.call('ZREM', KEYS[k + 3], id)
  redis.call('ZREM', KEYS[k + 4], id)
end
return #ARGV / 2
