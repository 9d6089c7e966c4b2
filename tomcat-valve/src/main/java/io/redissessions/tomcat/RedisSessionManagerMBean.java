package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import org.apache.tomcat.util.modeler.BaseModelMBean;

import java.util.function.ToLongFunction;

/**
 * The JMX view of a {@link RedisSessionManager}, named as its MBean class in
 * {@code mbeans-descriptors.xml} (Tomcat's convention, like its own {@code ContextMBean}): the
 * counters since start come from the store's {@link StoreMetrics} here (0 before the manager has
 * started); every other attribute (the settings, {@code redisReachable}, {@code localSessions},
 * Tomcat's own) is read from the manager.
 */
public class RedisSessionManagerMBean extends BaseModelMBean {

    public RedisSessionManagerMBean() {
        super();
    }

    private long count(ToLongFunction<StoreMetrics> counter) {
        StoreMetrics metrics = resource instanceof RedisSessionManager m ? m.getStoreMetrics() : null;
        return metrics == null ? 0 : counter.applyAsLong(metrics);
    }

    public long getLoads() { return count(StoreMetrics::getLoads); }
    public long getLoadMisses() { return count(StoreMetrics::getLoadMisses); }
    public long getSaves() { return count(StoreMetrics::getSaves); }
    public long getSkippedWrites() { return count(StoreMetrics::getSkippedWrites); }
    public long getSaveConflicts() { return count(StoreMetrics::getSaveConflicts); }
    public long getDeletes() { return count(StoreMetrics::getDeletes); }
    public long getExpiredClaimed() { return count(StoreMetrics::getExpiredClaimed); }
    public long getBytesRead() { return count(StoreMetrics::getBytesRead); }
    public long getBytesWritten() { return count(StoreMetrics::getBytesWritten); }
    public long getDecodeFailures() { return count(StoreMetrics::getDecodeFailures); }
    public long getEncodeFailures() { return count(StoreMetrics::getEncodeFailures); }
    public long getRedisErrors() { return count(StoreMetrics::getRedisErrors); }
    public long getRoundTrips() { return count(StoreMetrics::getRoundTrips); }
    public long getMeanLatencyMicros() { return count(StoreMetrics::getMeanLatencyMicros); }
    public long getUnreadableSessions() { return count(StoreMetrics::getUnreadableSessions); }
    public long getPoolExhaustions() { return count(StoreMetrics::getPoolExhaustions); }
    public long getSaveFailures() { return count(StoreMetrics::getSaveFailures); }
    public long getExpiryPasses() { return count(StoreMetrics::getExpiryPasses); }
}
