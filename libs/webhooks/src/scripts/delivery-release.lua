-- Releases finished deliveries the history tier now holds. KEYS: the pending set, then seven
-- keys per delivery: its record, event, tenant index, state index, subject index, endpoint
-- index and its subject's attempt log (the record key again for one it has none of, or when
-- the record was gone when taken). ARGV: per delivery, its id, its pending score and series
-- when taken, and how many more seconds it stays readable in Redis (the hot window's rest).
--
-- A delivery that changed since it was taken (redelivered: it left the pending set, or came
-- back with another score or series) is left alone: what was copied is not what it is now,
-- and it moves again when it finishes. Each other one leaves the pending set and the indexes
-- at once (listings find it in the history tier) and Redis after the hot window; the event and
-- the attempt log go too once no delivery of the subject is left in Redis' indexes.
-- Returns how many were released.
local released = 0
for j = 0, #ARGV / 4 - 1 do
  local id, score, series, ttl = ARGV[j * 4 + 1], ARGV[j * 4 + 2], ARGV[j * 4 + 3], tonumber(ARGV[j * 4 + 4])
  local k = 1 + j * 7
  local record = KEYS[k + 1]
  local current = redis.call('HGET', record, 'series')
  if redis.call('ZSCORE', KEYS[1], id) == score and (not current or current == series) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('EXPIRE', record, ttl)
    for i = k + 3, k + 6 do
      if KEYS[i] ~= record then redis.call('ZREM', KEYS[i], id) end
    end
    if KEYS[k + 5] ~= record and redis.call('ZCARD', KEYS[k + 5]) == 0 then
      for _, key in ipairs({KEYS[k + 2], KEYS[k + 7]}) do
        local left = redis.call('TTL', key)
        if key ~= record and (left == -1 or left > ttl) then redis.call('EXPIRE', key, ttl) end
      end
    end
    released = released + 1
  end
end
return released
