/**
 * Lua scripts for job records. Each status change is one atomic round trip that checks the
 * current status, so a late worker can never overwrite a cancellation, and the per-tenant
 * indexes always agree with the record. Each script is sent only the keys it touches: at
 * thousands of jobs a second the bytes per call are a large part of the cost.
 */

/**
 * KEYS: record, tenant index, type index, queued index. ARGV: id, then field/value pairs.
 * Creates a queued record unless one exists (a fast worker may have written it). Returns 1
 * if created.
 */
export const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0, unpack(ARGV, 2))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[1])
return 1
`;

/**
 * Starts an attempt. KEYS: record, queued index, active index, tenant index, type index.
 * ARGV: id, now, attempts to add (1, or 0 for a job resuming the same attempt), then (only
 * when the caller knows the record is missing) the field/value pairs to create it with. Returns {'started', attempts}, {'terminal', status}, or
 * {'missing'} when there is no record and no fields were given.
 */
export const START_SCRIPT = `
local id, now, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then
  if #ARGV < 4 then return {'missing'} end
  redis.call('HSET', KEYS[1], 'status', 'active', 'attempts', 1, 'startedAt', now, unpack(ARGV, 4))
  redis.call('ZADD', KEYS[3], 0, id)
  redis.call('ZADD', KEYS[4], 0, id)
  redis.call('ZADD', KEYS[5], 0, id)
  return {'started', '1'}
end
if cur ~= 'queued' and cur ~= 'active' then return {'terminal', cur} end
if cur == 'queued' then
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[3], 0, id)
  redis.call('HSET', KEYS[1], 'status', 'active')
end
-- The first start counts: a retry, or a job back from waiting for capacity, keeps it.
redis.call('HSETNX', KEYS[1], 'startedAt', now)
return {'started', tostring(redis.call('HINCRBY', KEYS[1], 'attempts', count))}
`;

/**
 * Moves a record to a new status if its current one is allowed. KEYS: record, the new
 * status's index, then the index of each allowed status in ARGV's order, then (for a
 * batch's job reaching a final status) the batch's counts hash, whose field `to` is
 * incremented in the same step: a job ends once, so the counts are exact. A final status is
 * also published on `<record key>:done`. ARGV: id, to,
 * allowed (comma-separated), ttlSeconds (0 = keep), returnRecord (1/0), then field/value
 * pairs to set. Returns {'ok', previous, ...record as field/value pairs when asked},
 * {'rejected', current} or {'missing'}.
 */
export const TRANSITION_SCRIPT = `
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
if #KEYS > 2 + i and cur ~= to then redis.call('HINCRBY', KEYS[#KEYS], to, 1) end
-- A final status is announced on the record's own channel (<record key>:done), which API
-- processes waiting on this job subscribe to; with no subscriber a PUBLISH costs nothing.
if ttl > 0 then redis.call('PUBLISH', KEYS[1] .. ':done', to) end
local out = {'ok', cur}
-- The new record comes back with the answer when asked: webhooks are built from it without a read.
if returnRecord == '1' then
  for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
end
return out
`;
