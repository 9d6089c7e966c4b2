-- redis-sessions wire format 1: read one session, with Redis's clock.
-- KEYS[1] session hash
-- Returns { Redis TIME in epoch ms, the hash as HGETALL returns it (empty when absent) }.
local t = redis.call('TIME')
return { tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), redis.call('HGETALL', KEYS[1]) }
