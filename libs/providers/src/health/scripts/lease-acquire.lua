-- KEYS: the lease set. ARGV: token, now, lease expiry, max. A counting semaphore across
-- processes: leases expire on their own, so a crashed worker cannot hold capacity for ever.
-- Returns 1 when granted, else the time the earliest lease ends (negated).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) - tonumber(ARGV[2]))
  return 1
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return -tonumber(first[2])
