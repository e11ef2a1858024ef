-- KEYS: record, then the tenant's index of each state in WEBHOOK_DELIVERY_STATES' order.
-- ARGV: id, to, allowed states (comma-separated), mode ('attempt' counts an attempt,
-- 'redeliver' starts a new series), index floor, then field/value pairs. Returns
-- {'ok', previous, ...record pairs}, {'rejected', current} or {'missing'}.
local id, to, allowed, mode, floor = ARGV[1], ARGV[2], ARGV[3], ARGV[4], '(' .. ARGV[5]
-- WEBHOOK_DELIVERY_STATES (@voxq/contracts), in order: delivery-scripts.spec.ts checks they agree.
local states = {'pending', 'delivering', 'succeeded', 'failed', 'cancelled', 'expired'}
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {'missing'} end
local ok = false
for s in string.gmatch(allowed, '[^,]+') do
  if s == cur then ok = true end
end
if not ok then return {'rejected', cur} end
redis.call('HSET', KEYS[1], 'state', to, unpack(ARGV, 6))
if mode == 'attempt' then redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
if mode == 'redeliver' then
  redis.call('HSET', KEYS[1], 'attempts', 0)
  redis.call('HINCRBY', KEYS[1], 'series', 1)
end
if cur ~= to then
  for i, s in ipairs(states) do
    if s == cur then redis.call('ZREM', KEYS[i + 1], id) end
    if s == to then
      redis.call('ZADD', KEYS[i + 1], 0, id)
      redis.call('ZREMRANGEBYLEX', KEYS[i + 1], '-', floor)
      redis.call('PEXPIRE', KEYS[i + 1], redis.call('PTTL', KEYS[1]))
    end
  end
end
local out = {'ok', cur}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
return out
