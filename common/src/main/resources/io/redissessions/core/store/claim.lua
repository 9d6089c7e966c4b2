-- redis-sessions wire format 1: claim expired sessions of one shard, each for one claimer.
-- KEYS[1] expiry index, KEYS[2] claimed set, KEYS[2 + i] hash of session ARGV[1 + i] (one hash tag)
-- ARGV[1] lease (ms), ARGV[2...] candidate ids
-- A session is claimed when its own #expiry has passed by Redis's clock and nobody holds a running
-- lease on it: it leaves the index and enters the claimed set, scored by the lease deadline. The
-- claimer runs the listeners and then finishes the claim (finish.lua), which deletes the session;
-- a claim whose lease runs out is claimed again. A stale index entry is corrected, not claimed.
-- Returns { lease deadline (ms), id, #v, id, #v, ... } of the sessions claimed.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = now + tonumber(ARGV[1])
local deadlineText = string.format('%.0f', deadline)
local result = { deadline }
for i = 2, #ARGV do
  local id = ARGV[i]
  local lease = tonumber(redis.call('ZSCORE', KEYS[2], id) or '')
  local indexed = tonumber(redis.call('ZSCORE', KEYS[1], id) or '')
  local due = (lease and lease <= now) or (not lease and indexed and indexed <= now)
  if due then
    local stored = redis.call('HMGET', KEYS[i + 1], '#expiry', '#v')
    local expiry = tonumber(stored[1] or '') or 0
    if expiry <= 0 then
      -- gone (deleted, or its key expired), or it no longer expires: nothing to notify
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
    elseif expiry > now then
      -- revived, or the index entry was stale: it waits in the index for its real expiry
      redis.call('ZADD', KEYS[1], stored[1], id)
      redis.call('ZREM', KEYS[2], id)
    else
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[2], deadlineText, id)
      result[#result + 1] = id
      result[#result + 1] = stored[2] or '0'
    end
  end
end
return result
