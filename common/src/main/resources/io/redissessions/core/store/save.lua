-- redis-sessions wire format 1: save one session atomically.
-- KEYS[1] session hash, KEYS[2] expiry index of its shard (same hash tag)
-- ARGV[1] 'c' create | 'u' update      ARGV[2] session id
-- ARGV[3] #accessed: the access time, epoch ms on the saving node's clock
-- ARGV[4] #maxInactive (s)
-- ARGV[5] ms from now until the session expires, measured on the saving node's clock ('' = never)
-- ARGV[6] grace (ms): the key lives this long after the expiry
-- ARGV[7] the latest Redis TIME (epoch ms) at which the save may be applied: its sender waits for
--         the reply until then and no longer ('' = no limit). A later save is not applied.
-- ARGV[8] n, then n field/value pairs to set; then m, then m fields to delete; then k, then k triples
--   field, value as loaded, value signed anew: each replaced only if it still holds the value as
--   loaded (legacySignatures=accept; k may be missing)
-- Then, for a request that holds the session's lock (lockingMode; KEYS[3] is the lock, same hash tag):
--   the lock token, the #v the request last read or wrote, '1' to release the lock with this save
--   (else '0'), the wake-up channel and the session's wake-up tag. The save is refused (-5) when the
--   lock is not the request's any more (its lease ran out) and either another request holds it now
--   or the session changed since the request read it: a request never writes over what another
--   request wrote while it held the lock. A release publishes the tag only when a request waited.
-- #expiry is Redis's TIME plus ARGV[5], so no node's clock decides when a session expires.
-- Unless this save changes #maxInactive, #accessed and #expiry never move back: the later of the
-- stored and the new value is kept (a long request that saves last does not shorten the session).
-- Returns { #v, #expiry, #accessed as written, Redis TIME (ms) }, or -1 (gone: deleted by someone else),
-- -2 (expired by Redis's clock), -3 (id taken), -4 (late: nothing written), -5 (the lock was lost,
-- see above).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[7] ~= '' and now > tonumber(ARGV[7]) then return -4 end
local accessed = tonumber(ARGV[3])
local expiry = 0
if ARGV[5] ~= '' then
  expiry = math.max(1, now + tonumber(ARGV[5]))
end
local n = tonumber(ARGV[8])
local m = tonumber(ARGV[9 + 2 * n])
local k = tonumber(ARGV[10 + 2 * n + m] or '0') or 0
local lockArg = 11 + 2 * n + m + 3 * k
local token = ARGV[lockArg]
local lock = nil
local exists = redis.call('EXISTS', KEYS[1])
if ARGV[1] == 'u' then
  if exists == 0 then return -1 end
  local stored = redis.call('HMGET', KEYS[1], '#expiry', '#accessed', '#maxInactive', '#v')
  local storedExpiry = tonumber(stored[1]) or 0
  if storedExpiry > 0 and storedExpiry <= now then return -2 end
  if token and token ~= '' then
    lock = redis.call('HMGET', KEYS[3], 't', 'w')
    if lock[1] ~= token and (lock[1] or stored[4] ~= ARGV[lockArg + 1]) then return -5 end
  end
  if stored[3] == ARGV[4] then
    local storedAccessed = tonumber(stored[2]) or 0
    if storedAccessed > accessed then accessed = storedAccessed end
    if expiry > 0 and storedExpiry > expiry then expiry = storedExpiry end
  end
elseif exists == 1 then
  return -3
end
-- fields in chunks: unpack() of thousands of values fails ('too many results to unpack')
local CHUNK = 1000
local first, last = 9, 8 + 2 * n
while first <= last do
  local upto = math.min(first + CHUNK - 1, last)
  redis.call('HSET', KEYS[1], unpack(ARGV, first, upto))
  first = upto + 1
end
first, last = last + 2, last + 1 + m
while first <= last do
  local upto = math.min(first + CHUNK - 1, last)
  redis.call('HDEL', KEYS[1], unpack(ARGV, first, upto))
  first = upto + 1
end
for i = last + 2, last + 1 + 3 * k, 3 do
  if redis.call('HMGET', KEYS[1], ARGV[i])[1] == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  end
end
local expiryText = string.format('%.0f', expiry)
redis.call('HSET', KEYS[1], '#accessed', string.format('%.0f', accessed), '#maxInactive', ARGV[4],
  '#expiry', expiryText)
local v = redis.call('HINCRBY', KEYS[1], '#v', 1)
if expiry > 0 then
  redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', expiry + tonumber(ARGV[6])))
  redis.call('ZADD', KEYS[2], expiryText, ARGV[2])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
if lock and lock[1] == token and ARGV[lockArg + 2] == '1' then
  redis.call('UNLINK', KEYS[3])
  if lock[2] then
    redis.pcall('PUBLISH', ARGV[lockArg + 3], ARGV[lockArg + 4])
  end
end
return { v, expiry, accessed, now }
