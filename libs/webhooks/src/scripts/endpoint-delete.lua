-- KEYS: record, tenant index. ARGV: tenantId, id. Returns 1 when the tenant's endpoint was deleted.
if redis.call('HGET', KEYS[1], 'tenantId') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
