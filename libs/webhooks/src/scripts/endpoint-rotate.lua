-- KEYS: record. ARGV: tenantId, new secret, previous secret's expiry, now. The current
-- secret becomes the previous one in the same step, so two rotations never lose one.
if redis.call('HGET', KEYS[1], 'tenantId') ~= ARGV[1] then return {} end
local current = redis.call('HGET', KEYS[1], 'secret')
redis.call('HSET', KEYS[1], 'secret', ARGV[2], 'previousSecret', current, 'previousSecretExpiresAt', ARGV[3], 'updatedAt', ARGV[4])
return redis.call('HGETALL', KEYS[1])
