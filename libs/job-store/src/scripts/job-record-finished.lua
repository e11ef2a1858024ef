-- Writes a job the api ran itself (a synchronous call run inline: docs/architecture.md) as it
-- ended, in one step: its record, created finished, its index entries, its expiry or its place
-- in the history pending set, and its usage. Nothing of the job existed before: its id was
-- never given out until now, so nobody could watch it, and nothing is published.
--
-- KEYS: the record, the tenant index, the type index, then the counter hash when ARGV names
-- an expiry for one, then the shard's history pending set when ARGV gives a finish time.
-- ARGV: id, the record's TTL in seconds (0 = keep), the finish time in ms (0 = no pending
-- set), the counter hash's expiry (unix seconds, 0 = no counters), the number of counter
-- field/increment pairs, those pairs, then the record's field/value pairs.
-- Returns 1 when written, 0 when a record of that id exists already (nothing is changed).
local id, ttl, finishedAt, counterExpiry, pairCount = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fieldsAt = 6 + pairCount * 2
redis.call('HSET', KEYS[1], unpack(ARGV, fieldsAt))
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
redis.call('ZADD', KEYS[2], 0, id)
redis.call('ZADD', KEYS[3], 0, id)
local nextKey = 4
if counterExpiry ~= '0' then
  local created = false
  for p = 6, fieldsAt - 1, 2 do
    -- A total equal to its increment is a new field, maybe of a new hash: that one needs its expiry.
    if redis.call('HINCRBY', KEYS[4], ARGV[p], ARGV[p + 1]) == tonumber(ARGV[p + 1]) then created = true end
  end
  if created then redis.call('EXPIREAT', KEYS[4], counterExpiry) end
  nextKey = 5
end
if finishedAt ~= '0' then redis.call('ZADD', KEYS[nextKey], finishedAt, id) end
return 1
