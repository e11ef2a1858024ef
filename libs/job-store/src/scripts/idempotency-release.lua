-- KEYS: an Idempotency-Key's reservation. ARGV: the reservation it was given.
-- Deletes the key only while it still holds that reservation (a later one stays).
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
