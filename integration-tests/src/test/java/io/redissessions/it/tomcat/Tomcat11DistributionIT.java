package io.redissessions.it.tomcat;

/**
 * The real Apache Tomcat 11.0.x distribution ({@code tomcat.version}), with every request locked
 * and the near cache on (the Tomcat 10.1 run keeps the defaults): the same behaviour, and
 * Caffeine works relocated inside the -all jar.
 */
class Tomcat11DistributionIT extends TomcatDistributionTestBase {

    @Override
    protected String homeProperty() {
        return "tomcat11.home";
    }

    @Override
    protected String moreManagerAttributes() {
        return " lockingMode=\"all\" nearCache=\"on\"";
    }
}
