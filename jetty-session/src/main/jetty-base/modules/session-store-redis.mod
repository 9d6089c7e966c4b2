# redis-sessions: Jetty sessions kept in Redis, shared by every node.
# See docs/jetty.md of redis-sessions.

[description]
Enables session data storage in Redis (redis-sessions): every node of a cluster, sticky or not,
sees the same sessions. Attributes are stored one by one, only when they change. Use it with
the session-cache-redis module (enabled with it unless another session-cache module is) for a
cluster behind a non-sticky load balancer.

[tags]
session

[provides]
session-store

[depends]
sessions
session-cache

[lib]
lib/redis-sessions/*.jar

[xml]
etc/sessions/redis/session-store.xml

[ini]
## The store's jars (Jedis, Jackson, ...) are hidden from webapps, which may bring their own.
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/redis-sessions/

[ini-template]
## Jetty's own settings of every session store
## Seconds to wait before Jetty's own scavenger looks for sessions expired on other nodes.
## redis-sessions claims expired sessions from its expiry index at every scavenge instead.
#jetty.session.gracePeriod.seconds=3600
## A session whose attributes did not change is saved at most this often (s, 0 = no limit;
## touchIntervalFraction below applies too).
#jetty.session.savePeriod.seconds=0

## redis-sessions settings (docs/configuration.md), shown with their defaults

## Which Redis: redis://[user:password@]host:port[/db], rediss://... (TLS), unix:///path/redis.sock, redis-sentinel://h1:p1,h2:p2/master, redis-cluster://h1:p1,h2:p2.
## When not set: the environment variable REDIS_SESSIONS_URI, else the default.
#jetty.session.redis.uri=redis://127.0.0.1:6379

## ACL user name (overrides the URI's). Environment: REDIS_SESSIONS_USER.
#jetty.session.redis.user=

## Password (overrides the URI's). Never logged. Environment: REDIS_SESSIONS_PASSWORD.
#jetty.session.redis.password=

## Which sessions this webapp shares; default: its context path (ROOT for /). Same namespace on the same Redis = shared sessions, Tomcat nodes included.
## Note: one value applies to every webapp of this server.
#jetty.session.redis.namespace=

## Your own classes that may be stored in sessions: class names (com.acme.Cart) and package prefixes (com.acme.*), comma separated.
#jetty.session.redis.allowedClasses=

## json (Jackson: beans, records, enums) or java (JDK serialization of Serializable values). Both decode allowed classes only.
#jetty.session.redis.codec=json

## While Redis cannot be reached: fail answers requests that need their session with 503; local serves node-local sessions.
#jetty.session.redis.failureMode=fail

## Time to open a connection (ms).
#jetty.session.redis.connectTimeoutMillis=2000

## Time to wait for an answer from Redis (ms).
#jetty.session.redis.socketTimeoutMillis=2000

## Most connections per webapp.
#jetty.session.redis.poolMaxTotal=16

## Longest wait for a free pooled connection (ms); then the request fails instead of hanging.
#jetty.session.redis.poolMaxWaitMillis=2000

## Longest one Redis operation may take across all its attempts (ms); 0: one whole attempt, max(poolMaxWaitMillis, connectTimeoutMillis + socketTimeoutMillis) + socketTimeoutMillis.
#jetty.session.redis.operationTimeoutMillis=0

## A save waits until this many replicas have it (WAIT in the same round trip); 0: it does not wait. See docs/operations.md.
#jetty.session.redis.saveReplicas=0

## Longest a save waits for saveReplicas replicas (ms); a save not acknowledged in time gets the failure answer.
#jetty.session.redis.saveReplicasTimeoutMillis=1000

## A request that changes nothing writes its access time only when the stored one is older than this fraction of the max inactive interval (0 to 0.5).
#jetty.session.redis.touchIntervalFraction=0.1

## How long expired session data stays in Redis for the sessionDestroyed listeners (s). Keep it above jetty.sessionScavengeInterval.seconds.
#jetty.session.redis.expiryGraceSeconds=1800

## How long a node holds its claim on an expired session while its sessionDestroyed listeners run (s); a node that dies meanwhile loses it after this time. Keep it below expiryGraceSeconds.
#jetty.session.redis.expiryClaimLeaseSeconds=300

## Which requests hold their session's lock from load to save: none, all, or uriPattern:<regex> (the path with the
## context path). Needs the session-cache-redis module and an ee10, ee11 or core webapp: elsewhere a context set to
## anything but none refuses to start instead of running unlocked.
#jetty.session.redis.lockingMode=none

## How long a request waits for its session's lock (ms); then it is answered 503 without running.
#jetty.session.redis.lockWaitMillis=10000

## The lock's expiry in Redis (ms), renewed while the request runs: the longest a dead node blocks a session.
#jetty.session.redis.lockLeaseMillis=5000

## on: keep the sessions this node served and load them for a few bytes while nobody changed them (validated at every load).
#jetty.session.redis.nearCache=off

## Most sessions the near cache keeps.
#jetty.session.redis.nearCacheMaxSessions=10000

## Most bytes of stored session data the near cache keeps.
#jetty.session.redis.nearCacheMaxBytes=67108864

## Prefix of every key.
#jetty.session.redis.keyPrefix=rs:

## Written with every save (diagnostics); default: jetty.sessionIdManager.workerName.
#jetty.session.redis.nodeId=

## CLIENT SETNAME of every connection.
#jetty.session.redis.clientName=redis-sessions

## Deflate attribute values of at least this many bytes (0 = off).
#jetty.session.redis.compressionThresholdBytes=0

## Codecs whose values this node decodes (default: the codec's only); json,java while moving from one codec to the other.
#jetty.session.redis.readCodecs=

## Sign every value and container extra with HMAC-SHA256 under this key, bound to its field, session and
## namespace (16 bytes or more; the same on every node). Environment: REDIS_SESSIONS_SIGNING_KEY.
#jetty.session.redis.signingKey=

## With a signingKey: reject, or accept (only while upgrading) what earlier releases signed unbound or left unsigned.
#jetty.session.redis.legacySignatures=reject

## PKCS12 or JKS file with the CA of Redis's certificate (rediss://).
#jetty.session.redis.tlsTrustStore=

## Its password.
#jetty.session.redis.tlsTrustStorePassword=

## PKCS12 or JKS file with a client certificate (tls-auth-clients yes).
#jetty.session.redis.tlsKeyStore=

## Its password.
#jetty.session.redis.tlsKeyStorePassword=
