-- Publishes a job's run-time events (ARGV[2..], in order) on its channel (ARGV[1]) when
-- someone watches the job: its record, KEYS[1], has the `watched` field a listener sets before
-- it reads the record. Unwatched, nothing is published: nobody could hear it. KEYS[1] also
-- routes the call to the job's node on a Redis Cluster, where job-transition.lua publishes
-- the job's final status: all of a job's messages then leave one node, and reach a
-- subscriber on another node in order (a plain PUBLISH goes to any node, and messages
-- published on different nodes may not).
if redis.call('HEXISTS', KEYS[1], 'watched') == 0 then return 0 end
for i = 2, #ARGV do redis.call('PUBLISH', ARGV[1], ARGV[i]) end
return #ARGV - 1
