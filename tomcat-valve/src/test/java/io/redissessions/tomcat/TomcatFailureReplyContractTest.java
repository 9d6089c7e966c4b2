package io.redissessions.tomcat;

import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.FailureReplyContract;

/** The container contract's {@link FailureReplyContract} on embedded Tomcat nodes. */
class TomcatFailureReplyContractTest extends FailureReplyContract {

    @Override
    protected ContainerUnderTest container() {
        return TomcatCluster::start;
    }
}
