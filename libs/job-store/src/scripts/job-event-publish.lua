-- Publishes a job's run-time event (ARGV[1]) on its channel, KEYS[1]: a channel, not a key,
-- named so that a Redis Cluster client sends this to the node of the channel's slot. That
-- is the job's shard, where job-transition.lua publishes the job's final status: all of a
-- job's messages then leave one node, and reach a subscriber on another node in order. A
-- plain PUBLISH goes to any node, and messages published on different nodes may not.
return redis.call('PUBLISH', KEYS[1], ARGV[1])
