-- redis-sessions wire format 1: take a session's lock and read the session, in one step.
-- KEYS[1] session hash, KEYS[2] its lock (same hash tag)
-- ARGV[1] the request's lock token, ARGV[2] lease (ms)
-- ARGV[3] '' or the #v of the copy the node keeps (near cache), ARGV[4] that copy's #created
-- Returns { Redis TIME in epoch ms, status, payload }:
--   status 1: lock taken, payload = the hash as HGETALL returns it
--   status 2: lock taken, the hash is unchanged since the node's copy (same #v and #created), payload = {}
--   status 0: no lock taken: the session is absent (payload = {}) or expired by TIME (payload = the hash)
--   status -1: the lock is held by another request, payload = its PTTL (ms); the lock is marked
--              as waited for, so that its release publishes a wake-up
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local meta = redis.call('HMGET', KEYS[1], '#v', '#created', '#expiry')
if not meta[1] and redis.call('EXISTS', KEYS[1]) == 0 then
  return { now, 0, {} }
end
local expiry = tonumber(meta[3]) or 0
if expiry > 0 and expiry <= now then
  return { now, 0, redis.call('HGETALL', KEYS[1]) }
end
local holder = redis.call('HGET', KEYS[2], 't')
if holder and holder ~= ARGV[1] then
  redis.call('HSET', KEYS[2], 'w', '1')
  return { now, -1, redis.call('PTTL', KEYS[2]) }
end
redis.call('HSET', KEYS[2], 't', ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if ARGV[3] ~= '' and meta[1] == ARGV[3] and meta[2] == ARGV[4] then
  return { now, 2, {} }
end
return { now, 1, redis.call('HGETALL', KEYS[1]) }
