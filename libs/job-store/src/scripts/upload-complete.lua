-- KEYS: the upload's record. ARGV: field/value pairs. HSET on a missing key would create it
-- without a TTL: complete only what still exists. Returns 1 when completed.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
