package io.redissessions.jetty;

/** Jetty's store contract suite again, with attributes written by JDK serialization. */
class JettyContractStoreJavaCodecTest extends JettyContractStoreTest {

    JettyContractStoreJavaCodecTest() throws Exception {
        super();
    }

    @Override
    String codecName() {
        return "java";
    }
}
