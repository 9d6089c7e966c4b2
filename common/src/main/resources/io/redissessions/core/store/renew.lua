-- redis-sessions wire format 1: extend a session's lock while its request runs.
-- KEYS[1] the lock; ARGV[1] the request's lock token, ARGV[2] lease (ms)
-- Returns 1 if extended, 0 if the lock was not the request's any more.
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
