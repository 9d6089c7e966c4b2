package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.RedisOutageContract;

/** The container contract's {@link RedisOutageContract} on embedded Jetty nodes. */
class JettyRedisOutageContractTest extends RedisOutageContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
