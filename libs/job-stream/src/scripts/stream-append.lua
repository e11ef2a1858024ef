-- Appends a streamed reply's entries and publishes them with their ids, in one step, so a
-- reader that hears the message knows whether it missed anything before it.
-- KEYS[1] the job's delta stream, KEYS[2] its live channel
-- ARGV[1] most entries kept, ARGV[2] the stream's TTL (ms), ARGV[3..] entries (JSON text)
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '0-0'
if last[1] then prev = last[1][1] end
local parts = {}
for i = 3, #ARGV do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
  parts[#parts + 1] = '["' .. id .. '",' .. ARGV[i] .. ']'
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[2], '{"prev":"' .. prev .. '","entries":[' .. table.concat(parts, ',') .. ']}')
return #parts
