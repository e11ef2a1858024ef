-- KEYS: an object version's claim. ARGV: the stale pending claim read, the new claim.
-- Takes over a stale pending claim only if it is still the one we read (no two takers).
-- Returns 1 when taken over.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
