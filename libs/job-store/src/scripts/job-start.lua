-- Starts an attempt. KEYS: record, tenant index, type index. ARGV: id, now, attempts to add
-- (1, or 0 for a job resuming the same attempt), the job's live-events channel, then (only
-- when the caller knows the record is missing) the field/value pairs to create it with.
-- Returns {'started', attempts, watched 1|0}, {'terminal', status}, or {'missing'} when there
-- is no record and no fields were given. One read and one write of the record: this runs for
-- every job, and each Redis command inside it counts.
--
-- `started` is published here, and only when someone watches the job (its record's `watched`
-- field, set by a listener before it reads the record): a PUBLISH nobody hears still costs
-- a command on every job. A job resuming the same attempt (count 0) announces nothing.
local id, now, count, channel = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local state = redis.call('HMGET', KEYS[1], 'status', 'startedAt', 'attempts', 'watched')
local cur = state[1]
local function started(attempts, watched)
  if watched and count > 0 then
    redis.call('PUBLISH', channel, '{"type":"started","attempt":' .. attempts .. ',"at":"' .. now .. '"}')
  end
  return {'started', tostring(attempts), watched and '1' or '0'}
end
if not cur then
  if #ARGV < 5 then return {'missing'} end
  redis.call('HSET', KEYS[1], 'status', 'active', 'attempts', 1, 'startedAt', now, unpack(ARGV, 5))
  redis.call('ZADD', KEYS[2], 0, id)
  redis.call('ZADD', KEYS[3], 0, id)
  return started(1, false)
end
if cur ~= 'queued' and cur ~= 'active' then return {'terminal', cur} end
local attempts = (tonumber(state[3]) or 0) + count
local fields = {}
if count > 0 then
  fields[#fields + 1] = 'attempts'
  fields[#fields + 1] = attempts
end
if cur == 'queued' then
  fields[#fields + 1] = 'status'
  fields[#fields + 1] = 'active'
end
-- The first start counts: a retry, or a job back from waiting for capacity, keeps it.
if not state[2] then
  fields[#fields + 1] = 'startedAt'
  fields[#fields + 1] = now
end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
return started(attempts, state[4] ~= false)
