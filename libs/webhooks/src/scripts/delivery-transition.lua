-- KEYS: record, then the tenant's index of each state in WEBHOOK_DELIVERY_STATES' order, then
-- the history tier's pending set, the delivery's event and its subject's attempt log (each the
-- record key again when unused: on a Redis Cluster every key must be in the script's slot).
-- ARGV: id, to, allowed states (comma-separated), mode ('attempt' counts an attempt,
-- 'redeliver' starts a new series), index floor, the time in ms ('0': no history tier), the
-- retention in seconds, then field/value pairs. Returns {'ok', previous, ...record pairs},
-- {'rejected', current} or {'missing'}.
--
-- With a history tier, a delivery reaching a final state loses its expiry and joins the pending
-- set in the same step, so the mover finds it and nothing expires before it is copied; its event
-- and attempt log are kept at least the retention from now, to be copied with it. One leaving a
-- final state (a redelivery) leaves the pending set and lives the retention again, as a new one.
local id, to, allowed, mode, floor = ARGV[1], ARGV[2], ARGV[3], ARGV[4], '(' .. ARGV[5]
local now, retention = ARGV[6], tonumber(ARGV[7])
-- WEBHOOK_DELIVERY_STATES (@voxq/contracts), in order: delivery-scripts.spec.ts checks they agree.
local states = {'pending', 'delivering', 'succeeded', 'failed', 'cancelled', 'expired'}
-- FINAL_DELIVERY_STATES (delivery-store.ts): delivery-scripts.spec.ts checks they agree.
local final = {succeeded = true, failed = true, cancelled = true, expired = true}
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {'missing'} end
local ok = false
for s in string.gmatch(allowed, '[^,]+') do
  if s == cur then ok = true end
end
if not ok then return {'rejected', cur} end
redis.call('HSET', KEYS[1], 'state', to, unpack(ARGV, 8))
if mode == 'attempt' then redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
if mode == 'redeliver' then
  redis.call('HSET', KEYS[1], 'attempts', 0)
  redis.call('HINCRBY', KEYS[1], 'series', 1)
end
if now ~= '0' then
  if final[to] then
    redis.call('PERSIST', KEYS[1])
    redis.call('ZADD', KEYS[8], now, id)
    for k = 9, 10 do
      local left = redis.call('TTL', KEYS[k])
      if KEYS[k] ~= KEYS[1] and left >= 0 and left < retention then redis.call('EXPIRE', KEYS[k], retention) end
    end
  elseif final[cur] then
    redis.call('ZREM', KEYS[8], id)
    redis.call('EXPIRE', KEYS[1], retention)
  end
end
if cur ~= to then
  -- An index lives as long as its newest record; a record waiting for the mover has no expiry.
  local pttl = redis.call('PTTL', KEYS[1])
  if pttl < 0 then pttl = retention * 1000 end
  for i, s in ipairs(states) do
    if s == cur then redis.call('ZREM', KEYS[i + 1], id) end
    if s == to then
      redis.call('ZADD', KEYS[i + 1], 0, id)
      redis.call('ZREMRANGEBYLEX', KEYS[i + 1], '-', floor)
      redis.call('PEXPIRE', KEYS[i + 1], pttl)
    end
  end
end
local out = {'ok', cur}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
return out
