package io.redissessions.it.tomcat;

/** The real Apache Tomcat 11.0.x distribution ({@code tomcat.version}). */
class Tomcat11DistributionIT extends TomcatDistributionTestBase {

    @Override
    protected String homeProperty() {
        return "tomcat11.home";
    }
}
