/**
 * Lua scripts for job records. Each status change is one atomic round trip that checks the
 * current status, so a late worker can never overwrite a cancellation, and the per-tenant
 * indexes always agree with the record.
 *
 * KEYS (all scripts): record, tenant index, type index, then one index per status in
 * JOB_STATUSES order (queued, active, completed, failed, cancelled).
 */
const STATUS_INDEX = `
local STATUSES = {'queued', 'active', 'completed', 'failed', 'cancelled'}
local function statusKey(s)
  for i, name in ipairs(STATUSES) do if name == s then return KEYS[3 + i] end end
end
`;

/** ARGV: id, then field/value pairs. Creates the record unless it exists. Returns 1 if created. */
export const CREATE_SCRIPT = `${STATUS_INDEX}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
local status = redis.call('HGET', KEYS[1], 'status')
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', statusKey(status), 0, ARGV[1])
return 1
`;

/**
 * Starts an attempt. ARGV: id, now, then the field/value pairs to create the record with
 * if the API has not written it yet (it writes after queueing, so a fast worker can win).
 * Returns {'started', attempts} or {'terminal', status}.
 */
export const START_SCRIPT = `${STATUS_INDEX}
local id, now = ARGV[1], ARGV[2]
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
  redis.call('HSET', KEYS[1], 'status', 'active', 'attempts', 1, 'startedAt', now)
  redis.call('ZADD', KEYS[2], 0, id)
  redis.call('ZADD', KEYS[3], 0, id)
  redis.call('ZADD', statusKey('active'), 0, id)
  return {'started', '1'}
end
if cur ~= 'queued' and cur ~= 'active' then return {'terminal', cur} end
if cur == 'queued' then
  redis.call('ZREM', statusKey('queued'), id)
  redis.call('ZADD', statusKey('active'), 0, id)
  redis.call('HSET', KEYS[1], 'status', 'active')
end
redis.call('HSETNX', KEYS[1], 'startedAt', now)
return {'started', tostring(redis.call('HINCRBY', KEYS[1], 'attempts', 1))}
`;

/**
 * Moves a record to a new status if its current one is allowed. ARGV: id, to, allowed
 * (comma-separated), ttlSeconds (0 = keep), then field/value pairs to set.
 * Returns {'ok', previous, ...record as field/value pairs} or {'rejected', current} or {'missing'}.
 */
export const TRANSITION_SCRIPT = `${STATUS_INDEX}
local id, to, allowed, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing'} end
local ok = false
for s in string.gmatch(allowed, '[^,]+') do if s == cur then ok = true end end
if not ok then return {'rejected', cur} end
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
redis.call('HSET', KEYS[1], 'status', to)
if cur ~= to then
  redis.call('ZREM', statusKey(cur), id)
  redis.call('ZADD', statusKey(to), 0, id)
end
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
-- The new record comes back with the answer: callers build webhooks from it without a read.
local out = {'ok', cur}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
return out
`;
