-- KEYS: record. ARGV: tenantId, then field/value pairs. Sets the fields only if the record
-- exists and is the tenant's; returns the record's field/value pairs, or {} when it is not.
if redis.call('HGET', KEYS[1], 'tenantId') ~= ARGV[1] then return {} end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return redis.call('HGETALL', KEYS[1])
