package io.redissessions.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The namespace a webapp derives when {@code namespace} is not set (#10 item 3): unambiguous
 * context paths keep the namespace they always had; paths that used to collide, and webapps of
 * different hosts, get different ones; two contexts of one node cannot derive the same one.
 */
class DefaultNamespaceTest {

    @Test
    void namespacesThatWereUnambiguousStayAsTheyWere() {
        assertThat(SessionStoreConfig.namespaceForContextPath("/")).isEqualTo("ROOT");
        assertThat(SessionStoreConfig.namespaceForContextPath("")).isEqualTo("ROOT");
        assertThat(SessionStoreConfig.namespaceForContextPath("/shop")).isEqualTo("shop");
        assertThat(SessionStoreConfig.namespaceForContextPath("/a/b")).isEqualTo("a#b");
        assertThat(SessionStoreConfig.namespaceForContextPath("/a_b")).isEqualTo("a_b");
        assertThat(SessionStoreConfig.namespaceForContextPath("/my-app.v2")).isEqualTo("my-app.v2");
        assertThat(SessionStoreConfig.namespaceForContextPath("/Grüße")).isEqualTo("Grüße");
    }

    @Test
    void pathsThatCollidedBeforeGetDifferentNamespaces() {
        List<String> paths = List.of("/a:b", "/a_b", "/a b", "/a\tb", "/a{b", "/a}b", "/a#b", "/a/b", "/a%3Ab",
                "/a@b", "/a,b", "/", "/ROOT", "/%52OOT", "/root");
        Map<String, String> byNamespace = new HashMap<>();
        for (String p : paths) {
            String ns = SessionStoreConfig.namespaceForContextPath(p);
            assertThat(byNamespace.put(ns, p)).as("namespace %s of %s", ns, p).isNull();
            assertThat(SessionStoreConfig.checkNamespace(ns)).isEqualTo(ns);
            assertThat(contextPathOf(ns)).as("reversible: %s", ns).isEqualTo(p);
        }
        assertThat(SessionStoreConfig.namespaceForContextPath("/a:b")).isEqualTo("a%3Ab");
        assertThat(SessionStoreConfig.namespaceForContextPath("/a b")).isEqualTo("a%20b");
        assertThat(SessionStoreConfig.namespaceForContextPath("/ROOT")).isEqualTo("%52OOT");
    }

    @Test
    void hostsAreAddedWhenAWebappIsTiedToThem() {
        assertThat(SessionStoreConfig.defaultNamespace("/", List.of("tenant-a.example"))).isEqualTo("ROOT@tenant-a.example");
        assertThat(SessionStoreConfig.defaultNamespace("/shop", List.of("B.example", "a.example")))
                .isEqualTo("shop@a.example,b.example");
        assertThat(SessionStoreConfig.defaultNamespace("/shop", List.of("a.example", "b.example")))
                .isEqualTo(SessionStoreConfig.defaultNamespace("/shop", List.of("b.example", "a.example")));
        assertThat(SessionStoreConfig.defaultNamespace("/", List.of("@connector")))
                .isEqualTo("ROOT@%40connector");
        assertThat(SessionStoreConfig.defaultNamespace("/x@y", List.of()))
                .isNotEqualTo(SessionStoreConfig.defaultNamespace("/x", List.of("y")));
        assertThat(SessionStoreConfig.defaultNamespace("/", List.of("a,b")))
                .isNotEqualTo(SessionStoreConfig.defaultNamespace("/", List.of("a", "b")));
        assertThat(SessionStoreConfig.defaultNamespace("/shop", List.of())).isEqualTo("shop");
    }

    @Test
    void aNodeRefusesASecondContextThatDerivesTheSameNamespace() {
        Object node = new Object();
        DerivedNamespaces.Claim first = DerivedNamespaces.claim(node, "redis://r|rs:", "ROOT", "engine|localhost|", "A");
        assertThatThrownBy(() -> DerivedNamespaces.claim(node, "redis://r|rs:", "ROOT", "other|localhost|", "context [] of B"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'namespace'")
                .hasMessageContaining("context [] of B")
                .hasMessageContaining("like A");
        // another Redis or key prefix, another node, or the same claimant (a second version of the webapp): fine
        DerivedNamespaces.claim(node, "redis://other|rs:", "ROOT", "other|localhost|", "C").release();
        DerivedNamespaces.claim(new Object(), "redis://r|rs:", "ROOT", "other|localhost|", "D").release();
        DerivedNamespaces.Claim version2 = DerivedNamespaces.claim(node, "redis://r|rs:", "ROOT", "engine|localhost|", "A2");
        first.release();
        assertThatThrownBy(() -> DerivedNamespaces.claim(node, "redis://r|rs:", "ROOT", "other|localhost|", "E"))
                .isInstanceOf(ConfigurationException.class);
        version2.release();
        DerivedNamespaces.claim(node, "redis://r|rs:", "ROOT", "other|localhost|", "F").release();
    }

    /** The inverse of the escape, to show that nothing is lost. */
    private static String contextPathOf(String namespace) {
        if (namespace.equals("ROOT")) {
            return "/";
        }
        StringBuilder path = new StringBuilder("/");
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int i = 0; i < namespace.length(); i++) {
            char c = namespace.charAt(i);
            if (c == '%') {
                pending.write(Integer.parseInt(namespace.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            path.append(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
            path.append(c == '#' ? '/' : c);
        }
        path.append(pending.toString(StandardCharsets.UTF_8));
        return path.toString();
    }
}
