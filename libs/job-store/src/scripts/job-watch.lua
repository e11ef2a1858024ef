-- Marks a job watched (KEYS[1], its record), so that its live events and its final status are
-- published from now on; a listener subscribes first, then marks, then reads the record, and
-- so misses nothing. A record that is not there (moved to history, or not written yet) is not
-- made: a hash holding only this field would never expire. Returns 1 if marked.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'watched', '1')
return 1
