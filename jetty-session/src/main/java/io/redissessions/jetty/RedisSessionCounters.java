package io.redissessions.jetty;

import io.redissessions.core.store.StoreMetrics;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

/**
 * The counters of a {@link RedisSessionDataStore}: a read-only view over the shared
 * {@link StoreMetrics} (the same names as Tomcat's), plus Jetty's node-local fallbacks. Jetty's
 * JMX reads the annotated getters of a managed object's interfaces, so they show on the store's
 * MBean ({@code io.redissessions.jetty:type=redissessiondatastore}).
 */
@ManagedObject("Counters of a Redis session store")
public interface RedisSessionCounters {

    /** The store's counters; all zero before it starts. */
    StoreMetrics metrics();

    @ManagedAttribute("Loads, saves and deletes served node-locally while Redis could not be used (failureMode=local)")
    long getLocalFallbacks();

    @ManagedAttribute("Whether Redis answered the last call")
    boolean isRedisReachable();

    @ManagedAttribute("Sessions loaded (round trips that read a session)")
    default long getLoads() { return metrics().getLoads(); }

    @ManagedAttribute("Loads that found no session")
    default long getLoadMisses() { return metrics().getLoadMisses(); }

    @ManagedAttribute("Sessions written")
    default long getSaves() { return metrics().getSaves(); }

    @ManagedAttribute("Saves skipped because nothing changed")
    default long getSkippedWrites() { return metrics().getSkippedWrites(); }

    @ManagedAttribute("Saves refused because the session was deleted, expired or its id taken meanwhile")
    default long getSaveConflicts() { return metrics().getSaveConflicts(); }

    @ManagedAttribute("Saves whose data Redis refused (a script error): the request's changes were lost")
    default long getSaveFailures() { return metrics().getSaveFailures(); }

    @ManagedAttribute("Saves Redis refused (not applied) because they reached it after this node had stopped waiting for their reply")
    default long getLateSaves() { return metrics().getLateSaves(); }

    @ManagedAttribute("Saves the master applied that fewer than saveReplicas replicas acknowledged in time (answered 503)")
    default long getUnreplicatedSaves() { return metrics().getUnreplicatedSaves(); }

    @ManagedAttribute("Sessions deleted")
    default long getDeletes() { return metrics().getDeletes(); }

    @ManagedAttribute("Expired sessions claimed by this node")
    default long getExpiredClaimed() { return metrics().getExpiredClaimed(); }

    @ManagedAttribute("Completed passes over the expiry index (one per scavenge)")
    default long getExpiryPasses() { return metrics().getExpiryPasses(); }

    @ManagedAttribute("Bytes read from Redis")
    default long getBytesRead() { return metrics().getBytesRead(); }

    @ManagedAttribute("Bytes written to Redis")
    default long getBytesWritten() { return metrics().getBytesWritten(); }

    @ManagedAttribute("Attribute values that could not be decoded (treated as absent)")
    default long getDecodeFailures() { return metrics().getDecodeFailures(); }

    @ManagedAttribute("Sessions whose stored data was proven bad (deleted)")
    default long getUnreadableSessions() { return metrics().getUnreadableSessions(); }

    @ManagedAttribute("Attributes that could not be encoded at save time (not written)")
    default long getEncodeFailures() { return metrics().getEncodeFailures(); }

    @ManagedAttribute("Redis calls that failed, of every kind")
    default long getRedisErrors() { return metrics().getRedisErrors(); }

    @ManagedAttribute("Redis calls that found no free pooled connection within poolMaxWaitMillis")
    default long getPoolExhaustions() { return metrics().getPoolExhaustions(); }

    @ManagedAttribute("Loads that Redis answered 'unchanged' (nearCache=on)")
    default long getNearCacheHits() { return metrics().getNearCacheHits(); }

    @ManagedAttribute("Tries to take a session's lock that found it held by another request (lockingMode)")
    default long getLockWaits() { return metrics().getLockWaits(); }

    @ManagedAttribute("Requests answered 503 because their session's lock stayed held for lockWaitMillis")
    default long getLockTimeouts() { return metrics().getLockTimeouts(); }

    @ManagedAttribute("Session locks whose lease ran out while their request held them")
    default long getLocksLost() { return metrics().getLocksLost(); }

    @ManagedAttribute("Locks of requests that wrote nothing, released by the node's release thread after the request")
    default long getDeferredLockReleases() { return metrics().getDeferredLockReleases(); }

    @ManagedAttribute("Redis round trips")
    default long getRoundTrips() { return metrics().getRoundTrips(); }

    @ManagedAttribute("Mean Redis round-trip latency (microseconds)")
    default long getMeanLatencyMicros() { return metrics().getMeanLatencyMicros(); }
}
