-- redis-sessions wire format 1: give a session a new id of the same shard, atomically.
-- KEYS[1] old hash, KEYS[2] new hash, KEYS[3] expiry index of their shard (one hash tag)
-- ARGV[1] old id, ARGV[2] new id.
-- Returns 1 done, 0 old missing or expired by Redis's clock, -3 new id taken.
local expiry = redis.call('HMGET', KEYS[1], '#expiry')[1]
if not expiry then return 0 end
expiry = tonumber(expiry) or 0
if expiry > 0 then
  local t = redis.call('TIME')
  if expiry <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return 0 end
end
if redis.call('EXISTS', KEYS[2]) == 1 then return -3 end
redis.call('RENAME', KEYS[1], KEYS[2])
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if score then redis.call('ZADD', KEYS[3], score, ARGV[2]) end
redis.call('HINCRBY', KEYS[2], '#v', 1)
return 1
