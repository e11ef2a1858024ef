-- Lua scripts for job records: each status change is one atomic round trip that checks the
-- current status, so a late worker can never overwrite a cancellation, and the per-tenant
-- indexes always agree with the record. Each script is sent only the keys it touches: at
-- thousands of jobs a second the bytes per call are a large part of the cost.
--
-- Creates queued records, several at once: the submissions of one shard that fall in the same
-- turn of the API's event loop (`Coalescer`), so the index entries they share are one ZADD
-- per index, not one per job. There is no index per status: a status change writes a job's
-- record only (listings filter by it).
--
-- KEYS: the n records, then the indexes they go in. ARGV: n, then per job: id, its tenant
-- index and its type index (positions among the indexes, 1-based), the number of record
-- field/value pairs, those pairs. Each record is created unless one exists (a fast worker
-- may have written it). Returns per job 1 if created, else 0.
local n = tonumber(ARGV[1])
local members = {}
local out = {}
local at = 2
for j = 1, n do
  local id, tenantIndex, typeIndex, pairCount = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local pairsAt = at + 4
  at = pairsAt + pairCount * 2
  if redis.call('EXISTS', KEYS[j]) == 1 then
    out[j] = 0
  else
    redis.call('HSET', KEYS[j], 'status', 'queued', 'attempts', 0, unpack(ARGV, pairsAt, at - 1))
    for _, index in ipairs({tenantIndex, typeIndex}) do
      local list = members[index] or {}
      members[index] = list
      list[#list + 1] = 0
      list[#list + 1] = id
    end
    out[j] = 1
  end
end
for index, list in pairs(members) do
  redis.call('ZADD', KEYS[n + index], unpack(list))
end
return out
