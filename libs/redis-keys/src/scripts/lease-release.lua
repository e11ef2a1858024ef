-- KEYS: a lease. ARGV: the token it was taken with. Deletes it only while that token still
-- holds it: a lease that ran out and was taken by another holder stays theirs.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
