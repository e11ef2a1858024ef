-- Moves a record to a new status if its current one is allowed. KEYS: record, the new
-- status's index, then the index of each allowed status in ARGV's order, then (for a
-- batch's job reaching a final status) the batch's counts hash, whose field `to` is
-- incremented in the same step: a job ends once, so the counts are exact. A final status is
-- also published on `<record key>:done` (redisKeys' channels.jobDone). ARGV: id, to,
-- allowed (comma-separated), ttlSeconds (0 = keep), returnRecord (1/0), then field/value
-- pairs to set. Returns {'ok', previous, ...record as field/value pairs when asked},
-- {'rejected', current} or {'missing'}.
local id, to, allowed, ttl, returnRecord = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing'} end
local from
local i = 0
for s in string.gmatch(allowed, '[^,]+') do
  i = i + 1
  if s == cur then from = KEYS[2 + i] end
end
if not from then return {'rejected', cur} end
redis.call('HSET', KEYS[1], 'status', to, unpack(ARGV, 6))
if cur ~= to then
  redis.call('ZREM', from, id)
  redis.call('ZADD', KEYS[2], 0, id)
end
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
if #KEYS > 2 + i and cur ~= to then
  redis.call('HINCRBY', KEYS[#KEYS], to, 1)
  -- A shard's counts of a batch (not shard 0's, which the batch's record write keeps) expire with the job.
  redis.call('EXPIRE', KEYS[#KEYS], ttl)
end
-- A final status is announced on the record's own channel (<record key>:done), which API
-- processes waiting on this job subscribe to; with no subscriber a PUBLISH costs nothing.
-- The one key voxq builds inside Lua: it must stay equal to redisKeys(prefix).channels.jobDone.
if ttl > 0 then redis.call('PUBLISH', KEYS[1] .. ':done', to) end
local out = {'ok', cur}
-- The new record comes back with the answer when asked: webhooks are built from it without a read.
if returnRecord == '1' then
  for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
end
return out
