-- A realtime session's lease among its tenant's open sessions, if the tenant has room.
-- KEYS[1]: the tenant's open sessions (zset: session id -> lease expiry ms)
-- ARGV: session id, now ms, lease ms, limit (0 = unlimited)
-- Returns 1 when leased, 0 when the tenant is at its limit. Leases past their expiry are
-- sessions whose process died: they are dropped first, so a crash frees its slot.
local key = KEYS[1]
local now = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if limit > 0 and redis.call('ZCARD', key) >= limit then
  return 0
end
redis.call('ZADD', key, now + lease, ARGV[1])
redis.call('PEXPIRE', key, lease * 2)
return 1
