-- KEYS: failures counter, breaker marker, cooldown, probe claim. ARGV: windowMs, threshold,
-- cooldownMs, cooldown value, probe ('1' when the failed call was the half-open probe).
-- Counts a failure; opens the breaker at the threshold (or when the probe failed), which
-- also frees the probe claim so the next half-open period can probe again.
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) or ARGV[5] == '1' then
  redis.call('SET', KEYS[2], 'open')
  redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
  redis.call('DEL', KEYS[1], KEYS[4])
  return 1
end
return 0
