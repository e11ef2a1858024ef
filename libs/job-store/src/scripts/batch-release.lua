-- Releases finished batches the history tier now holds. KEYS: the batches' pending set, then
-- four keys per batch: its record, shard 0's counts, its tenant index and its list of jobs.
-- ARGV: per batch, its pending member, its id, and how many more seconds it stays readable in
-- Redis (the hot window's rest). It leaves the index at once (listings find it in the history
-- tier from now on); its keys expire at the end of the hot window. The other shards' counts
-- are in other slots: the caller gives them the same expiry after this.
for j = 0, #ARGV / 3 - 1 do
  local member, id, ttl, k = ARGV[j * 3 + 1], ARGV[j * 3 + 2], tonumber(ARGV[j * 3 + 3]), 1 + j * 4
  redis.call('ZREM', KEYS[1], member)
  redis.call('EXPIRE', KEYS[k + 1], ttl)
  redis.call('EXPIRE', KEYS[k + 2], ttl)
  redis.call('ZREM', KEYS[k + 3], id)
  redis.call('EXPIRE', KEYS[k + 4], ttl)
end
return #ARGV / 3
