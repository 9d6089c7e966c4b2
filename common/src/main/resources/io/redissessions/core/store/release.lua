-- redis-sessions wire format 1: release a session's lock, if it is still the request's.
-- KEYS[1] the lock
-- ARGV[1] the request's lock token, ARGV[2] the wake-up channel, ARGV[3] the wake-up tag of the session
-- Returns 1 if released, 0 if the lock was not the request's (expired, or taken by another since).
-- A release publishes the tag only when a request waited for the lock (field 'w').
local h = redis.call('HMGET', KEYS[1], 't', 'w')
if h[1] ~= ARGV[1] then
  return 0
end
redis.call('UNLINK', KEYS[1])
if h[2] then
  redis.pcall('PUBLISH', ARGV[2], ARGV[3])
end
return 1
