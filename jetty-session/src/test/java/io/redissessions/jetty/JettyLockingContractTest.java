package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.LockingContract;

/** The container contract's {@link LockingContract} on embedded Jetty nodes. */
class JettyLockingContractTest extends LockingContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
