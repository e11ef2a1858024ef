-- Starts an attempt. KEYS: record, queued index, active index, tenant index, type index.
-- ARGV: id, now, attempts to add (1, or 0 for a job resuming the same attempt), then (only
-- when the caller knows the record is missing) the field/value pairs to create it with.
-- Returns {'started', attempts}, {'terminal', status}, or {'missing'} when there is no
-- record and no fields were given. One read and one write of the record: this runs for
-- every job, and each Redis command inside it counts.
local id, now, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'status', 'startedAt', 'attempts')
local cur = state[1]
if not cur then
  if #ARGV < 4 then return {'missing'} end
  redis.call('HSET', KEYS[1], 'status', 'active', 'attempts', 1, 'startedAt', now, unpack(ARGV, 4))
  redis.call('ZADD', KEYS[3], 0, id)
  redis.call('ZADD', KEYS[4], 0, id)
  redis.call('ZADD', KEYS[5], 0, id)
  return {'started', '1'}
end
if cur ~= 'queued' and cur ~= 'active' then return {'terminal', cur} end
local attempts = (tonumber(state[3]) or 0) + count
local fields = {}
if count > 0 then
  fields[#fields + 1] = 'attempts'
  fields[#fields + 1] = attempts
end
if cur == 'queued' then
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[3], 0, id)
  fields[#fields + 1] = 'status'
  fields[#fields + 1] = 'active'
end
-- The first start counts: a retry, or a job back from waiting for capacity, keeps it.
if not state[2] then
  fields[#fields + 1] = 'startedAt'
  fields[#fields + 1] = now
end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
return {'started', tostring(attempts)}
