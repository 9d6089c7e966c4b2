-- redis-sessions wire format 1: finish a claim after the listeners ran.
-- KEYS[1] session hash, KEYS[2] expiry index, KEYS[3] claimed set (one hash tag)
-- ARGV[1] session id, ARGV[2] #v the claimer saw when it claimed
-- Deletes the session only if it is still expired by Redis's clock and unchanged since the claim;
-- otherwise it goes back to the index (revived, or changed: the next pass decides again).
-- Returns 1 deleted, 0 not deleted.
redis.call('ZREM', KEYS[3], ARGV[1])
local stored = redis.call('HMGET', KEYS[1], '#expiry', '#v')
if not stored[1] then return 0 end -- gone: its key expired, or someone deleted it
local expiry = tonumber(stored[1]) or 0
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if expiry > 0 and expiry <= now and (stored[2] or '0') == ARGV[2] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('UNLINK', KEYS[1])
  return 1
end
if expiry > 0 then
  redis.call('ZADD', KEYS[2], stored[1], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 0
