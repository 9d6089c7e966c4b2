# redis-sessions: the session cache for a cluster behind a non-sticky load balancer.
# See docs/jetty.md of redis-sessions.

[description]
A session cache for a non-sticky cluster (redis-sessions): no session is kept between requests,
every change (in-place ones included) is written to the store before the response is sent,
sessionDestroyed fires exactly once across the cluster, and while Redis is down requests that
need their session get 503 (failureMode=fail) instead of a new, empty session.

[tags]
session

[provides]
session-cache|default

[depends]
sessions

[lib]
lib/redis-sessions/*.jar

[xml]
etc/sessions/redis/session-cache.xml

[ini]
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/redis-sessions/

[ini-template]
## Of Jetty's session cache settings only these apply (evictionPolicy and
## flushOnResponseCommit are fixed by this cache).
#jetty.session.saveOnCreate=false
#jetty.session.removeUnloadableSessions=true
#jetty.session.invalidateOnShutdown=false
