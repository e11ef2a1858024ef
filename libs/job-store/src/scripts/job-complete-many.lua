-- Completes several active jobs of one shard in one step: the worker's completions that fall
-- in the same turn of its event loop are sent together (`CompletionBatcher`). Each job is
-- checked and written as job-transition.lua would (active → completed, nothing else), but
-- the usage counters they share are added once for the lot: one HINCRBY per counter field,
-- not one per job, and each job's usage is still counted in the step that completes it.
--
-- KEYS: the n records, then the m counter hashes, then the shard's history pending set when
-- ARGV says there is one. ARGV: n, m, the records' TTL in seconds (0 = keep), the finish
-- time in ms (0 = no pending set), the m counters' expiries (unix seconds), then per job:
-- id, returnRecord (1/0), its counter hash (1..m, 0 = none), the number of counter
-- field/increment pairs, those pairs, the number of record fields, those field/value pairs,
-- the number of live-event messages, those messages.
-- Returns per job {'ok', 'active', ...record pairs when asked}, {'rejected', current} or
-- {'missing'}. When the job is watched, its messages are published on `<record key>:events`
-- (channels.jobEvents) and then its final status on `<record key>:done` (channels.jobDone),
-- as job-transition.lua does; unwatched, nobody could hear them.
local n, m, ttl, finishedAt = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local pending = KEYS[n + m + 1]
local sums = {}
local out = {}
local at = 5 + m
for j = 1, n do
  local record = KEYS[j]
  local id, returnRecord, counter, pairCount = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local pairsAt = at + 4
  local fieldCount = tonumber(ARGV[pairsAt + pairCount * 2])
  local fieldsAt = pairsAt + pairCount * 2 + 1
  local eventCount = tonumber(ARGV[fieldsAt + fieldCount * 2])
  local eventsAt = fieldsAt + fieldCount * 2 + 1
  at = eventsAt + eventCount
  local state = redis.call('HMGET', record, 'status', 'watched')
  local cur = state[1]
  if not cur then
    out[j] = {'missing'}
  elseif cur ~= 'active' then
    out[j] = {'rejected', cur}
  else
    redis.call('HSET', record, 'status', 'completed', unpack(ARGV, fieldsAt, eventsAt - 2))
    if ttl > 0 then redis.call('EXPIRE', record, ttl) end
    if finishedAt ~= '0' then redis.call('ZADD', pending, finishedAt, id) end
    if counter > 0 then
      local s = sums[counter] or {}
      sums[counter] = s
      for p = pairsAt, pairsAt + pairCount * 2 - 1, 2 do
        s[ARGV[p]] = (s[ARGV[p]] or 0) + tonumber(ARGV[p + 1])
      end
    end
    if state[2] then
      for e = eventsAt, at - 1 do redis.call('PUBLISH', record .. ':events', ARGV[e]) end
      redis.call('PUBLISH', record .. ':done', 'completed')
    end
    local result = {'ok', 'active'}
    -- The record comes back when asked (webhooks are built from it); its input stays here.
    if returnRecord == '1' then
      local all = redis.call('HGETALL', record)
      for i = 1, #all, 2 do
        if all[i] ~= 'input' then
          result[#result + 1] = all[i]
          result[#result + 1] = all[i + 1]
        end
      end
    end
    out[j] = result
  end
end
for c = 1, m do
  local s = sums[c]
  if s then
    local created = false
    for field, by in pairs(s) do
      -- A total equal to its increment is a new field, maybe of a new hash: that one needs its expiry.
      if redis.call('HINCRBY', KEYS[n + c], field, by) == by then created = true end
    end
    if created then redis.call('EXPIREAT', KEYS[n + c], ARGV[4 + c]) end
  end
end
return out
