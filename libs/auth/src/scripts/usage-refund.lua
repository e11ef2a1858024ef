-- KEYS: the month's counter. ARGV: jobs to give back. Never goes below zero.
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = math.min(tonumber(ARGV[1]), used)
if n <= 0 then return used end
return redis.call('DECRBY', KEYS[1], n)
