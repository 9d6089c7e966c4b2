package io.redissessions.it.tomcat;

/** The real Apache Tomcat 10.1.x distribution ({@code tomcat10.version}). */
class Tomcat10DistributionIT extends TomcatDistributionTestBase {

    @Override
    protected String homeProperty() {
        return "tomcat10.home";
    }
}
