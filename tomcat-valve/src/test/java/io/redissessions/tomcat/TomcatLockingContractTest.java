package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.LockingContract;

/** lockingMode on embedded Tomcat: the contract's part 6. */
class TomcatLockingContractTest extends LockingContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
