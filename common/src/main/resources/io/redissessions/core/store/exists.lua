-- redis-sessions wire format 1: whether a session exists and has not expired by Redis's clock.
-- KEYS[1] session hash. Returns 1 or 0.
local expiry = redis.call('HMGET', KEYS[1], '#expiry')[1]
if not expiry then return 0 end
expiry = tonumber(expiry) or 0
if expiry <= 0 then return 1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if expiry > now then return 1 end
return 0
