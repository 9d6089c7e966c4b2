-- redis-sessions wire format 1: first step of a claim. Ids of one shard that may be claimed:
-- expiry index entries due by Redis's clock, then claims whose lease ran out.
-- KEYS[1] expiry index, KEYS[2] claimed set (one hash tag); ARGV[1] max ids.
-- Reads only: the claim itself (claim.lua) decides, with each session's key declared.
local t = redis.call('TIME')
local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
local max = tonumber(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max)
if #ids < max then
  local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max - #ids)
  for _, id in ipairs(lapsed) do ids[#ids + 1] = id end
end
return ids
