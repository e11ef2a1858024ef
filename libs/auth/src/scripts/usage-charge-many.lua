-- KEYS: the month's counter, the tenant hash. ARGV: the default allowance, the counter's
-- expiry (unix seconds), then the jobs each request charges, in arrival order: the requests
-- of one tenant that fall in the same turn of the API's event loop (`Coalescer`), charged in
-- one step with one read of the allowance and one INCRBY. Each request is charged whole if
-- it fits in what is left after those before it, else not at all (its 402), so concurrent
-- requests can never together pass the allowance. Returns per request {charged 1|0, used
-- before it, allowance}. It charges everything first and takes back what did not fit: one
-- command fewer in the usual case, where all of it fits.
-- The tenant's own allowance: ALLOWANCE_FIELD in usage-allowance.ts (its spec checks they agree).
local allowance = tonumber(redis.call('HGET', KEYS[2], 'monthlyJobAllowance') or ARGV[1])
local total = 0
for i = 3, #ARGV do total = total + tonumber(ARGV[i]) end
local used = redis.call('INCRBY', KEYS[1], total)
local before = used - total
local out = {}
local refused = 0
local level = before
for i = 3, #ARGV do
  local n = tonumber(ARGV[i])
  if allowance > 0 and level + n > allowance then
    refused = refused + n
    out[#out + 1] = {0, level, allowance}
  else
    out[#out + 1] = {1, level, allowance}
    level = level + n
  end
end
if refused > 0 then
  -- A counter this call made and nothing kept goes again (it would have no expiry).
  if before == 0 and refused == total then redis.call('DEL', KEYS[1]) else redis.call('DECRBY', KEYS[1], refused) end
end
-- The month's first charge made the counter: it gets its expiry then, once.
if before == 0 and refused < total then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
return out
