-- Releases finished records the history tier now holds. KEYS: the shard's pending set, the
-- n records, then the indexes they leave. ARGV: n, the n ids, the n records' seconds left
-- in Redis (the hot window's rest), then per index its member count and those ids. The
-- record keeps its place in Redis for the hot window, but leaves the indexes at once:
-- listings find it in the history tier from now on. One ZREM per set, not one per job: a
-- batch's jobs mostly share their tenant's indexes, and each command counts at this rate.
local n = tonumber(ARGV[1])
redis.call('ZREM', KEYS[1], unpack(ARGV, 2, 1 + n))
for j = 1, n do
  redis.call('EXPIRE', KEYS[1 + j], ARGV[1 + n + j])
end
local at = 2 + 2 * n
for k = 2 + n, #KEYS do
  local count = tonumber(ARGV[at])
  redis.call('ZREM', KEYS[k], unpack(ARGV, at + 1, at + count))
  at = at + 1 + count
end
return n
