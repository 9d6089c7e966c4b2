-- redis-sessions wire format 1: give a session a new id of the same shard, atomically.
-- KEYS[1] old hash, KEYS[2] new hash, KEYS[3] expiry index of their shard (one hash tag)
-- ARGV[1] old id, ARGV[2] new id.
-- With a signing key also: ARGV[3] #bid as the node loaded it ('' = none), ARGV[4] the binding id
-- (the id the session's fields are signed with), ARGV[5] #bmac binding the new id to it. The
-- fields keep their signatures; #bid and #bmac say which id they were signed for.
-- Returns 1 done, 0 old missing or expired by Redis's clock, -3 new id taken,
-- -4 #bid is not as the node loaded it.
local expiry = redis.call('HMGET', KEYS[1], '#expiry')[1]
if not expiry then return 0 end
expiry = tonumber(expiry) or 0
if expiry > 0 then
  local t = redis.call('TIME')
  if expiry <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return 0 end
end
if redis.call('EXISTS', KEYS[2]) == 1 then return -3 end
local bound = ARGV[4] and ARGV[4] ~= ''
if bound and (redis.call('HMGET', KEYS[1], '#bid')[1] or '') ~= ARGV[3] then return -4 end
redis.call('RENAME', KEYS[1], KEYS[2])
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if score then redis.call('ZADD', KEYS[3], score, ARGV[2]) end
if bound then redis.call('HSET', KEYS[2], '#bid', ARGV[4], '#bmac', ARGV[5]) end
redis.call('HINCRBY', KEYS[2], '#v', 1)
return 1
