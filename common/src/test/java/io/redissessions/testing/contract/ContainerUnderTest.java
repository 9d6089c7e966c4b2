package io.redissessions.testing.contract;

/** A container that the contract runs on: Tomcat (tomcat-valve's tests) or Jetty (jetty-session's). */
public interface ContainerUnderTest {

    /** Starts a cluster and returns once every node serves the webapp (Redis may be down). */
    ClusterUnderTest start(ClusterSpec spec);
}
