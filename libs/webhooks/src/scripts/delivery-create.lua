-- KEYS: record, event, tenant index, pending index, job index, endpoint index (the record key
-- again = none: on a Redis Cluster every key must be in the script's slot, so '' cannot be).
-- ARGV: id, ttl, event JSON, index floor (ids below it are past retention), then field/value
-- pairs. Stores the event once, creates the record unless it exists, and indexes it.
-- Returns the record's state ('new' when it was just created).
local id, ttl, floor = ARGV[1], tonumber(ARGV[2]), '(' .. ARGV[4]
redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', ttl)
local cur = redis.call('HGET', KEYS[1], 'state')
if cur then return cur end
redis.call('HSET', KEYS[1], 'state', 'pending', 'attempts', 0, 'series', 0, unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ttl)
for i = 3, 6 do
  if KEYS[i] ~= KEYS[1] then
    redis.call('ZADD', KEYS[i], 0, id)
    redis.call('ZREMRANGEBYLEX', KEYS[i], '-', floor)
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
return 'new'
