-- KEYS: the month's counter, the tenant hash, and optionally a charge marker. ARGV: jobs to
-- charge, the default allowance, the counter's expiry (unix seconds). Reads the allowance and
-- charges in one step, so concurrent requests can never together pass it; with a marker, a
-- charge already made under it is not made again (and the marker is set with the charge).
-- Returns {charged 1|0, used, allowance}. It charges first and takes the charge back when it
-- went past the allowance: one command fewer on every accepted request, which is the usual case.
if #KEYS > 2 and redis.call('EXISTS', KEYS[3]) == 1 then return {1, -1, -1} end
-- The tenant's own allowance: ALLOWANCE_FIELD in usage-allowance.ts (its spec checks they agree).
local allowance = tonumber(redis.call('HGET', KEYS[2], 'monthlyJobAllowance') or ARGV[2])
local n = tonumber(ARGV[1])
local used = redis.call('INCRBY', KEYS[1], n)
if allowance > 0 and used > allowance then
  -- A counter this charge made goes again (it would have no expiry); an older one is put back.
  if used == n then redis.call('DEL', KEYS[1]) else redis.call('DECRBY', KEYS[1], n) end
  return {0, used - n, allowance}
end
-- The month's first charge made the counter: it gets its expiry then, once.
if used == n then redis.call('EXPIREAT', KEYS[1], ARGV[3]) end
if #KEYS > 2 then redis.call('SET', KEYS[3], n, 'EXAT', ARGV[3]) end
return {1, used, allowance}
