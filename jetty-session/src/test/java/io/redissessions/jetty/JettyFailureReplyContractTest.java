package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyCluster;
import io.redissessions.testing.contract.ContainerUnderTest;
import io.redissessions.testing.contract.FailureReplyContract;

/** The container contract's {@link FailureReplyContract} on embedded Jetty nodes. */
class JettyFailureReplyContractTest extends FailureReplyContract {

    @Override
    protected ContainerUnderTest container() {
        return JettyCluster::start;
    }
}
