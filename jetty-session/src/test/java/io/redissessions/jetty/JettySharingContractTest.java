package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.SharingContract;

/** The container contract's {@link SharingContract} on embedded Jetty nodes. */
class JettySharingContractTest extends SharingContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
