-- Lua scripts for job records: each status change is one atomic round trip that checks the
-- current status, so a late worker can never overwrite a cancellation, and the per-tenant
-- indexes always agree with the record. Each script is sent only the keys it touches: at
-- thousands of jobs a second the bytes per call are a large part of the cost.
--
-- KEYS: record, tenant index, type index. ARGV: id, then field/value pairs. Creates a queued
-- record unless one exists (a fast worker may have written it). Returns 1 if created. There
-- is no index per status: a status changes a job's record only (listings filter by it).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0, unpack(ARGV, 2))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1
