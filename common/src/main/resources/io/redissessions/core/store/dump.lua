-- First step of a cross-slot id change (Redis Cluster): the serialized hash, its remaining TTL
-- and its expiry score. KEYS[1] old hash, KEYS[2] old index; ARGV[1] old id.
local d = redis.call('DUMP', KEYS[1])
if not d then return false end
return { d, redis.call('PTTL', KEYS[1]), redis.call('ZSCORE', KEYS[2], ARGV[1]) or '' }
