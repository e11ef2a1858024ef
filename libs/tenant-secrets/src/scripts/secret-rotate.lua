-- KEYS: the tenant's secrets hash. ARGV: name, new sealed value, updatedAt.
-- Replaces the value of an existing secret and bumps its version; returns the new record
-- (JSON), or false when the tenant has no secret of that name.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return false end
local record = cjson.decode(current)
record.sealed = ARGV[2]
record.version = (tonumber(record.version) or 0) + 1
record.updatedAt = ARGV[3]
local encoded = cjson.encode(record)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
return encoded
