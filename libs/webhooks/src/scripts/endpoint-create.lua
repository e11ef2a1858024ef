-- KEYS: record, tenant index. ARGV: the tenant's limit, the endpoint's id, then its field/value
-- pairs. Counts and adds in one step, so creates that race cannot pass the limit together.
-- Returns 1 when the endpoint was stored, 0 when the tenant already has its limit.
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return 1
