package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.UnreadableDataContract;

/** The container contract's {@link UnreadableDataContract} on embedded Tomcat nodes. */
class TomcatUnreadableDataContractTest extends UnreadableDataContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
