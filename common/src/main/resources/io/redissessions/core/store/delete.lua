-- KEYS[1] session hash, KEYS[2] expiry index; ARGV[1] session id. Returns 1 if the hash existed.
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
