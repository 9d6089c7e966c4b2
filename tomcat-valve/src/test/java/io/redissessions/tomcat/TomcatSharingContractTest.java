package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.SharingContract;

/** The container contract's {@link SharingContract} on embedded Tomcat nodes. */
class TomcatSharingContractTest extends SharingContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
