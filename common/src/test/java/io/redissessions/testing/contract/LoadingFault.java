package io.redissessions.testing.contract;

/** {@code -LOADING}: Redis restarted and still loads its data set ({@link LoadingRedis}). */
final class LoadingFault extends RedisFault {

    private final LoadingRedis redis;

    private LoadingFault(LoadingRedis redis) {
        super("LOADING", "LOADING", redis.server());
        this.redis = redis;
    }

    static LoadingFault start() {
        return new LoadingFault(LoadingRedis.start());
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
