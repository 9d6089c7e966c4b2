-- Claim expired sessions of one shard: each id leaves the index exactly once, so exactly one
-- caller across all nodes gets it. The hash stays (its TTL includes a grace period) so that the
-- claimer can still read it and fire listeners, then delete it.
-- KEYS[1] expiry index; ARGV[1] now (ms), ARGV[2] max ids, ARGV[3] session key prefix of the shard
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local now = tonumber(ARGV[1])
local claimed = {}
for _, id in ipairs(ids) do
  local stored = redis.call('HGET', ARGV[3] .. id, '#expiry')
  if not stored or tonumber(stored) == 0 then
    redis.call('ZREM', KEYS[1], id)            -- gone, or no longer expiring: nothing to notify
  elseif tonumber(stored) > now then
    redis.call('ZADD', KEYS[1], stored, id)    -- index entry was stale: fix it
  else
    redis.call('ZREM', KEYS[1], id)
    claimed[#claimed + 1] = id
  end
end
return claimed
