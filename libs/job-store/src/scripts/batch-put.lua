-- Writes a batch's record (a new batch, or its runner's update), its counts hash in shard 0
-- and its tenant index entry, in one step. KEYS: record, shard 0's counts, tenant index, the
-- batches' history pending set. ARGV: id, the record's JSON, the retention in seconds, the
-- pending set's member (`<tenantId> <batchId>`), when the batch finished (ms; 0: not finished
-- or no history tier), and whether a history tier is configured (1/0).
-- Without a history tier everything expires after the retention, as it always did. With one, a
-- finished batch joins the pending set and its keys lose their expiry in the same step, so it
-- is never in neither place: it leaves Redis only once the mover has copied it.
local id, json, ttl, member, finishedAt, history = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6] == '1'
local indexTtl = redis.call('TTL', KEYS[3])
redis.call('HSET', KEYS[1], 'id', id, 'json', json)
redis.call('HSETNX', KEYS[2], 'expanded', 0)
redis.call('ZADD', KEYS[3], 0, id)
if finishedAt ~= '0' then
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZADD', KEYS[4], 'NX', finishedAt, member)
  return 1
end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
-- An index kept for a batch waiting to move (no expiry) keeps none; the mover empties it.
if not history or indexTtl ~= -1 then redis.call('EXPIRE', KEYS[3], ttl) end
return 0
