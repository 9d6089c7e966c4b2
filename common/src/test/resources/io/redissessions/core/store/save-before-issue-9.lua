-- The save script as wire format 1 shipped before issue 9 (node-clock expiry, no chunks); kept
-- so that the tests prove sessions it wrote still load, save and expire.
-- redis-sessions wire format 1: save one session atomically.
-- KEYS[1] session hash, KEYS[2] expiry index of its shard (same hash tag)
-- ARGV[1] 'c' create | 'u' update    ARGV[2] session id    ARGV[3] now (ms)
-- ARGV[4] expiry (ms, 0 = never)      ARGV[5] key expire-at (ms)
-- ARGV[6] n, then n field/value pairs to set; then m, then m fields to delete
-- Returns the new write counter, or -1 (gone: deleted by someone else), -2 (expired), -3 (id taken).
local exists = redis.call('EXISTS', KEYS[1])
if ARGV[1] == 'u' then
  if exists == 0 then return -1 end
  local stored = tonumber(redis.call('HGET', KEYS[1], '#expiry') or '0')
  if stored > 0 and stored <= tonumber(ARGV[3]) then return -2 end
elseif exists == 1 then
  return -3
end
local i = 7
local n = tonumber(ARGV[6])
if n > 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, i, i + 2 * n - 1))
end
i = i + 2 * n
local m = tonumber(ARGV[i])
if m > 0 then
  redis.call('HDEL', KEYS[1], unpack(ARGV, i + 1, i + m))
end
local v = redis.call('HINCRBY', KEYS[1], '#v', 1)
local expiry = tonumber(ARGV[4])
if expiry > 0 then
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  redis.call('ZADD', KEYS[2], expiry, ARGV[2])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
return v
