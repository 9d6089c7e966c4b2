package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.InvalidationAndExpiryContract;

/** The container contract's {@link InvalidationAndExpiryContract} on embedded Jetty nodes. */
class JettyInvalidationAndExpiryContractTest extends InvalidationAndExpiryContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
