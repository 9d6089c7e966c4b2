package io.redissessions.testing.contract;

import io.redissessions.testing.RedisServer;

/** {@code -LOADING}: Redis restarted and still loads its data set ({@link LoadingRedis}). */
final class LoadingFault extends RedisFault {

    private final LoadingRedis redis = LoadingRedis.start();

    LoadingFault() {
        super("LOADING");
    }

    @Override
    public RedisServer server() {
        return redis.server();
    }

    @Override
    public String appUri() {
        return redis.server().uri();
    }

    @Override
    public String errorReply() {
        return "LOADING";
    }

    @Override
    public boolean closesConnections() {
        return true;
    }

    @Override
    public void apply(Phase phase) {
        redis.restartIntoLoading();
    }

    @Override
    public void lift() {
        redis.awaitLoaded();
    }
}
