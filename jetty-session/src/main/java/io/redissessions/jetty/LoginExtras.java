package io.redissessions.jetty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.MultiMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jetty's container login state, kept as container extras ({@code #x:<name>} fields) instead of
 * session attributes: plain text and JSON of our own that names no class, so nothing read from
 * Redis makes this code load one, and never a credential.
 *
 * <table>
 *   <tr><th>attribute (what Jetty's authenticators set)</th><th>extras</th></tr>
 *   <tr><td>{@value #AUTHENTICATED} (a {@code SessionAuthentication})</td>
 *       <td>{@code authType} (the method, e.g. {@code FORM}) and {@code principal}
 *       {@code {"name":..,"roles":[..]}}, the fields and format of Tomcat's login</td></tr>
 *   <tr><td>{@value #FORM_URI}</td><td>{@code jetty.formUri}: the URI as text</td></tr>
 *   <tr><td>{@value #FORM_METHOD}</td><td>{@code jetty.formMethod}: the method</td></tr>
 *   <tr><td>{@value #FORM_POST}</td><td>{@code jetty.formPost}: {@code {"kind":..,"fields":[[name,[values]],..]}}</td></tr>
 * </table>
 *
 * On load the objects are made again as the context's environment expects them (core for ee10 and
 * ee11, the nested authenticators' own classes for ee8 and ee9), the login's identity through the
 * identity service of the security handler in scope. The SPNEGO authenticators' identity holders
 * are not stored at all (Jetty marks their content transient): they stay in the session object of
 * the node that made them, for the requests it serves at that time.
 */
final class LoginExtras {

    static final String AUTHENTICATED = "org.eclipse.jetty.security.UserIdentity";
    static final String FORM_URI = "org.eclipse.jetty.security.form_URI";
    static final String FORM_METHOD = "org.eclipse.jetty.security.form_METHOD";
    static final String FORM_POST = "org.eclipse.jetty.security.form_POST";

    static final String X_AUTH_TYPE = "authType";
    static final String X_PRINCIPAL = "principal";
    static final String X_FORM_URI = "jetty.formUri";
    static final String X_FORM_METHOD = "jetty.formMethod";
    static final String X_FORM_POST = "jetty.formPost";

    /** Every extra of the login state. */
    static final List<String> EXTRAS = List.of(X_AUTH_TYPE, X_PRINCIPAL, X_FORM_URI, X_FORM_METHOD, X_FORM_POST);

    /** A context without Jetty's security classes: no attribute is kept as extras. */
    static final LoginExtras NONE = new LoginExtras(null);

    private static final Map<String, List<String>> EXTRAS_OF = Map.of(
            AUTHENTICATED, List.of(X_AUTH_TYPE, X_PRINCIPAL),
            FORM_URI, List.of(X_FORM_URI),
            FORM_METHOD, List.of(X_FORM_METHOD),
            FORM_POST, List.of(X_FORM_POST));

    /** The SPNEGO authenticators' holders (core and nested): node-local, never stored. */
    private static final Pattern NODE_LOCAL = Pattern.compile(
            "org\\.eclipse\\.jetty\\.(ee\\d+\\.)?security\\.authentication\\.[A-Za-z]*S[Pp][Nn][Ee][Gg][Oo]Authenticator\\$UserIdentityHolder");
    private static final Pattern NESTED = Pattern.compile("org\\.eclipse\\.jetty\\.(ee[89])\\..*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logins logins;

    private LoginExtras(Logins logins) {
        this.logins = logins;
    }

    /**
     * The login state of a context's sessions: by the classes of its session manager, core
     * (ee10, ee11) or a nested environment (ee8, ee9); {@link #NONE} when Jetty's security classes
     * are not on the class path.
     */
    static LoginExtras forManager(SessionManager manager) {
        try {
            Class.forName("org.eclipse.jetty.security.UserIdentity", false, LoginExtras.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return NONE; // no security module: no authenticator sets these attributes
        }
        for (Class<?> c = manager == null ? null : manager.getClass(); c != null; c = c.getSuperclass()) {
            Matcher m = NESTED.matcher(c.getName());
            if (m.matches()) {
                NestedLogins nested = NestedLogins.of(m.group(1), c.getClassLoader());
                return nested == null ? NONE : new LoginExtras(nested);
            }
        }
        return new LoginExtras(new CoreLogins());
    }

    /** Whether this attribute is kept as extras. */
    boolean handles(String name) {
        return logins != null && EXTRAS_OF.containsKey(name);
    }

    /** Whether this attribute is kept in the session object only, never stored. */
    static boolean isNodeLocal(String name) {
        return NODE_LOCAL.matcher(name).matches();
    }

    /** The extras of attribute {@code name} (one of {@link #handles}). */
    static List<String> extrasOf(String name) {
        return EXTRAS_OF.getOrDefault(name, List.of());
    }

    /** Whether the extras hold attribute {@code name} (for a login: its principal). */
    boolean isPresent(String name, Function<String, String> extra) {
        if (!handles(name)) {
            return false;
        }
        List<String> x = EXTRAS_OF.get(name);
        return extra.apply(x.get(x.size() - 1)) != null;
    }

    /**
     * The extras that hold {@code value} as attribute {@code name} (one of {@link #handles});
     * null when the value is not of a kind Jetty's authenticators store there (it is then stored
     * as an attribute, with the codec).
     */
    Map<String, String> encode(String name, Object value) {
        Map<String, String> x = new LinkedHashMap<>();
        switch (name) {
            case AUTHENTICATED -> {
                Login login = logins.read(value);
                if (login == null) {
                    return null;
                }
                x.put(X_AUTH_TYPE, login.method());
                x.put(X_PRINCIPAL, principal(login));
            }
            case FORM_URI -> {
                String text = logins.formUriText(value);
                if (text == null) {
                    return null;
                }
                x.put(X_FORM_URI, text);
            }
            case FORM_METHOD -> {
                if (!(value instanceof String method)) {
                    return null;
                }
                x.put(X_FORM_METHOD, method);
            }
            case FORM_POST -> {
                String post = formPost(value);
                if (post == null) {
                    return null;
                }
                x.put(X_FORM_POST, post);
            }
            default -> {
                return null;
            }
        }
        return x;
    }

    /**
     * Attribute {@code name} as the context's authenticators expect it; null when absent, or when
     * a login cannot be made here.
     *
     * @throws IllegalArgumentException when the stored extras cannot be read
     */
    Object decode(String name, Function<String, String> extra) {
        switch (name) {
            case AUTHENTICATED -> {
                String method = extra.apply(X_AUTH_TYPE);
                String principal = extra.apply(X_PRINCIPAL);
                if (principal == null) {
                    return null;
                }
                return logins.rebuild(login(method, principal));
            }
            case FORM_URI -> {
                String text = extra.apply(X_FORM_URI);
                return text == null ? null : logins.formUri(text);
            }
            case FORM_METHOD -> {
                return extra.apply(X_FORM_METHOD);
            }
            case FORM_POST -> {
                String text = extra.apply(X_FORM_POST);
                return text == null ? null : formPost(text);
            }
            default -> {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ principal (Tomcat's format)

    private static String principal(Login login) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", login.user());
        ArrayNode roles = node.putArray("roles");
        login.roles().forEach(roles::add);
        return node.toString();
    }

    private static Login login(String method, String principal) {
        JsonNode node = parse(principal);
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException("the principal has no name");
        }
        Set<String> roles = new TreeSet<>();
        for (JsonNode role : node.path("roles")) {
            if (!role.isTextual()) {
                throw new IllegalArgumentException("a role of the principal is not text");
            }
            roles.add(role.asText());
        }
        return new Login(method == null ? "FORM" : method, name.asText(), new TreeSet<>(roles));
    }

    // ------------------------------------------------------------------ saved POST parameters

    /** Null when {@code value} is not a kind of form fields Jetty's FORM authenticators save. */
    private static String formPost(Object value) {
        String kind;
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (value instanceof Fields f) {
            kind = "fields";
            f.forEach(field -> fields.put(field.getName(), field.getValues()));
        } else if (value instanceof CompletableFuture<?> future && future.isDone() && !future.isCompletedExceptionally()
                && future.getNow(null) instanceof Fields f) {
            kind = "future"; // Jetty 12.0.0 to 12.0.x: the form fields as a completed future
            f.forEach(field -> fields.put(field.getName(), field.getValues()));
        } else if (value instanceof MultiMap<?> map) {
            kind = "multimap"; // ee8/ee9 of early 12.0.x
            for (Map.Entry<String, ? extends List<?>> e : map.entrySet()) {
                List<String> values = new ArrayList<>();
                for (Object v : e.getValue()) {
                    if (!(v instanceof String s)) {
                        return null;
                    }
                    values.add(s);
                }
                fields.put(e.getKey(), values);
            }
        } else {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", kind);
        ArrayNode list = node.putArray("fields");
        fields.forEach((name, values) -> {
            ArrayNode field = list.addArray();
            field.add(name);
            ArrayNode vs = field.addArray();
            values.forEach(vs::add);
        });
        return node.toString();
    }

    private static Object formPost(String text) {
        JsonNode node = parse(text);
        String kind = node.path("kind").asText();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (JsonNode field : node.path("fields")) {
            if (!field.isArray() || field.size() != 2 || !field.get(0).isTextual() || !field.get(1).isArray()) {
                throw new IllegalArgumentException("a saved form field is not [name, [values]]");
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : field.get(1)) {
                values.add(v.asText());
            }
            fields.put(field.get(0).asText(), Collections.unmodifiableList(values));
        }
        switch (kind) {
            case "fields", "future" -> {
                Fields f = new Fields(true);
                fields.forEach((name, values) -> values.forEach(v -> f.add(name, v)));
                return kind.equals("fields") ? f : EarlyJettyForms.completed(f);
            }
            case "multimap" -> {
                MultiMap<String> m = new MultiMap<>();
                fields.forEach((name, values) -> values.forEach(v -> m.add(name, v)));
                return m;
            }
            default -> throw new IllegalArgumentException("unknown kind of saved form '" + kind + "'");
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
