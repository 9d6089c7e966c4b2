package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.RedisOutageContract;

/** The container contract's {@link RedisOutageContract} on embedded Tomcat nodes. */
class TomcatRedisOutageContractTest extends RedisOutageContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
