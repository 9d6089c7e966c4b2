package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.UnreadableDataContract;

/** The container contract's {@link UnreadableDataContract} on embedded Jetty nodes. */
class JettyUnreadableDataContractTest extends UnreadableDataContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
