-- KEYS: the tenant's secrets hash. ARGV: name, record (JSON), most secrets a tenant may hold.
-- Returns 1 when created, 0 when the name exists, -1 when the tenant is at its limit.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
