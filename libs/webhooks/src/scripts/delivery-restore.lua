-- Puts a finished delivery back among the hot ones before a redelivery: its record (written
-- from the history tier's copy when Redis no longer has it), its event, and its entries in the
-- indexes, which the mover dropped. KEYS: record, event, the history tier's pending set, tenant
-- index, state index, subject index, endpoint index (the record key again = none). ARGV: id,
-- retention in seconds, event JSON, index floor, then the record's field/value pairs.
-- A record still waiting for the mover keeps no expiry; any other lives the retention again.
local id, ttl, floor = ARGV[1], tonumber(ARGV[2]), '(' .. ARGV[4]
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
if not redis.call('ZSCORE', KEYS[3], id) then redis.call('EXPIRE', KEYS[1], ttl) end
redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', ttl)
if redis.call('TTL', KEYS[2]) >= 0 then redis.call('EXPIRE', KEYS[2], ttl) end
for i = 4, 7 do
  if KEYS[i] ~= KEYS[1] then
    redis.call('ZADD', KEYS[i], 0, id)
    redis.call('ZREMRANGEBYLEX', KEYS[i], '-', floor)
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
return redis.call('HGET', KEYS[1], 'state')
