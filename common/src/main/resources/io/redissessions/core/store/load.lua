-- redis-sessions wire format 1: read one session, with Redis's clock.
-- KEYS[1] session hash
-- ARGV (optional, near cache): [1] the #v of the copy the node keeps, [2] that copy's #created
-- Returns { Redis TIME in epoch ms, the hash as HGETALL returns it (empty when absent) },
-- or { Redis TIME in epoch ms, 1 } when the hash is unchanged since the node's copy (same #v and #created).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] then
  local meta = redis.call('HMGET', KEYS[1], '#v', '#created')
  if meta[1] and meta[1] == ARGV[1] and meta[2] == ARGV[2] then
    return { now, 1 }
  end
end
return { now, redis.call('HGETALL', KEYS[1]) }
