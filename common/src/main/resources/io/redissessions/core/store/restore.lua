-- Second step of a cross-slot id change. KEYS[1] new hash, KEYS[2] new index
-- ARGV[1] new id, ARGV[2] dump, ARGV[3] pttl (ms, <= 0 = none), ARGV[4] score ('' = none)
if redis.call('EXISTS', KEYS[1]) == 1 then return -3 end
local ttl = tonumber(ARGV[3])
if ttl < 0 then ttl = 0 end
redis.call('RESTORE', KEYS[1], ttl, ARGV[2])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
redis.call('HINCRBY', KEYS[1], '#v', 1)
return 1
