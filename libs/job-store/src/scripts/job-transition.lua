-- Moves a record to a new status if its current one is allowed. KEYS: record, then the
-- optional keys ARGV names, in this order:
--   a batch's counts hash (a batch's job reaching a final status: its field `to` is
--   incremented in the same step, and a job ends once, so the counts are exact);
--   the history tier's pending set (a finished job waits there, by finish time, for the
--   mover to copy its record to Postgres; its record has no expiry until then);
--   a counters hash (a completed job's usage, added in the same step for the same reason).
-- A final status is also published on `<record key>:done` (redisKeys' channels.jobDone)
-- when someone watches the job (its `watched` field, set by a listener before it reads).
-- ARGV: id, to, allowed (comma-separated), the record's TTL in seconds (0 = keep),
-- returnRecord (1/0), final (1/0), the batch counts' TTL (0 = no batch key), the finish
-- time in ms (0 = no pending key), the counters' expiry (unix seconds; 0 = no counters),
-- the number of counter field/increment pairs, those pairs, then the record's field/value
-- pairs to set. Returns {'ok', previous, ...record as field/value pairs when asked},
-- {'rejected', current} or {'missing'}.
local id, to, allowed, ttl, returnRecord, final = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6] == '1'
local batchTtl, finishedAt, countersExpireAt, counterPairs = tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10])
local state = redis.call('HMGET', KEYS[1], 'status', 'watched')
local cur = state[1]
if not cur then return {'missing'} end
local from = false
for s in string.gmatch(allowed, '[^,]+') do
  if s == cur then from = true end
end
if not from then return {'rejected', cur} end
local pairsAt = 11
redis.call('HSET', KEYS[1], 'status', to, unpack(ARGV, pairsAt + counterPairs * 2))
local changed = cur ~= to
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
local k = 1
if batchTtl > 0 then
  k = k + 1
  if changed then
    redis.call('HINCRBY', KEYS[k], to, 1)
    -- A shard's counts of a batch (not shard 0's, which the batch's record write keeps) expire with the job.
    redis.call('EXPIRE', KEYS[k], batchTtl)
  end
end
if finishedAt ~= '0' then
  k = k + 1
  if changed then redis.call('ZADD', KEYS[k], finishedAt, id) end
end
if countersExpireAt > 0 then
  k = k + 1
  if changed then
    local created = false
    for p = pairsAt, pairsAt - 1 + counterPairs * 2, 2 do
      local n = tonumber(ARGV[p + 1])
      -- A total equal to its increment is a new field, maybe of a new hash: that one needs its expiry.
      if redis.call('HINCRBY', KEYS[k], ARGV[p], n) == n then created = true end
    end
    if created then redis.call('EXPIREAT', KEYS[k], countersExpireAt) end
  end
end
-- A final status is announced on the record's own channel (<record key>:done), which API
-- processes waiting on this job subscribe to, once they have marked it watched; unwatched,
-- nobody could hear it, and the PUBLISH would still be a command on every job.
-- The one key voxq builds inside Lua: it must stay equal to redisKeys(prefix).channels.jobDone.
if final and state[2] then redis.call('PUBLISH', KEYS[1] .. ':done', to) end
local out = {'ok', cur}
-- The new record comes back with the answer when asked: webhooks are built from it without a read.
-- Its input stays here (up to 256 KiB no event needs): the worker would receive it on every job.
if returnRecord == '1' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= 'input' then
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
end
return out
