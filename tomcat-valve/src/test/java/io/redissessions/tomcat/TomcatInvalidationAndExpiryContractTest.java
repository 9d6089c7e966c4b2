package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.InvalidationAndExpiryContract;

/** The container contract's {@link InvalidationAndExpiryContract} on embedded Tomcat nodes. */
class TomcatInvalidationAndExpiryContractTest extends InvalidationAndExpiryContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
