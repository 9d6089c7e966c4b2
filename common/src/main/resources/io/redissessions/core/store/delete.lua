-- redis-sessions wire format 1: delete a session, its index entry and any claim on it.
-- KEYS[1] session hash, KEYS[2] expiry index, KEYS[3] claimed set (one hash tag)
-- ARGV[1] session id. Returns 1 if the hash existed.
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('UNLINK', KEYS[1]) -- frees a big hash off the main thread
