-- KEYS: the job's "recorded" marker, the tenant's day counter. ARGV: the marker's TTL (seconds),
-- the counter's expiry (unix seconds), then field/increment pairs. Records a job's usage once:
-- the marker is set in the same step as the increments, so a re-run of the job's finish after
-- a crash (which records again) adds nothing. Returns 1 when recorded, 0 when it already was.
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then return 0 end
for i = 3, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIREAT', KEYS[2], ARGV[2])
return 1
