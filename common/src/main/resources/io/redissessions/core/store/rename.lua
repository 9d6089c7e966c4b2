-- Change a session's id where both keys may be used by one script (same slot, or no Cluster).
-- KEYS[1] old hash, KEYS[2] new hash, KEYS[3] old index, KEYS[4] new index
-- ARGV[1] old id, ARGV[2] new id. Returns 1 done, 0 old missing, -3 new id taken.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -3 end
redis.call('RENAME', KEYS[1], KEYS[2])
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if score then redis.call('ZADD', KEYS[4], score, ARGV[2]) end
redis.call('HINCRBY', KEYS[2], '#v', 1)
return 1
