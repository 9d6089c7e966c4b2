package io.redissessions.tomcat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.Cookie;
import org.apache.catalina.authenticator.Constants;
import org.apache.catalina.authenticator.SavedRequest;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.tomcat.util.buf.ByteChunk;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tomcat's authentication state as container extras ({@code #x:<name>} fields of the session
 * hash), in a plain JSON form of our own: never JDK serialization, and nothing in it names a
 * class, so nothing read from Redis can make this code load one.
 *
 * <ul>
 *   <li>{@code authType}: the text itself.</li>
 *   <li>{@code principal}: {@code {"name":..,"roles":[..]}}; only a {@link GenericPrincipal}'s
 *       name and roles travel (what every Tomcat realm returns). Any other Principal is not
 *       stored, and the user logs in again on the next node.</li>
 *   <li>{@code note:<name>}: the FORM authenticator's notes, a {@link SavedRequest} as
 *       {@code {"t":"request",..}} and the text notes (session id, and with
 *       {@code cache="false"} user name and password) as {@code {"t":"text","v":..}}.</li>
 * </ul>
 *
 * The encoding is canonical (sorted headers, fixed field order), so that an unchanged value is
 * recognised as such and not written again.
 */
final class SessionExtras {

    static final String AUTH_TYPE = "authType";
    static final String PRINCIPAL = "principal";
    static final String NOTE_PREFIX = "note:";

    /** The session notes that travel with the session; every other note stays on its node. */
    static final List<String> PERSISTED_NOTES = List.of(
            Constants.FORM_REQUEST_NOTE,
            Constants.SESSION_ID_NOTE,
            Constants.SESS_USERNAME_NOTE,
            Constants.SESS_PASSWORD_NOTE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionExtras() {
    }

    /** Thrown for an extra that cannot be read back; the caller treats it as absent. */
    static final class UnreadableExtraException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableExtraException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ------------------------------------------------------------------ principal

    /** Null when there is no principal, or one that cannot be stored. */
    static String encodePrincipal(Principal principal) {
        if (!(principal instanceof GenericPrincipal gp)) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("name", gp.getName());
        ArrayNode roles = node.putArray("roles");
        String[] sorted = gp.getRoles().clone();
        Arrays.sort(sorted);
        for (String role : sorted) {
            roles.add(role);
        }
        return node.toString();
    }

    static GenericPrincipal decodePrincipal(String text) throws UnreadableExtraException {
        JsonNode node = parse(text);
        String name = requiredText(node, "name");
        List<String> roles = new ArrayList<>();
        for (JsonNode role : node.path("roles")) {
            roles.add(role.asText());
        }
        return new GenericPrincipal(name, roles);
    }

    // ------------------------------------------------------------------ notes

    /** Null when the note is absent or of a kind that does not travel. */
    static String encodeNote(Object value) {
        if (value instanceof String s) {
            ObjectNode node = JSON.createObjectNode();
            node.put("t", "text");
            node.put("v", s);
            return node.toString();
        }
        if (value instanceof SavedRequest saved) {
            return encodeSavedRequest(saved);
        }
        return null;
    }

    static Object decodeNote(String text) throws UnreadableExtraException {
        JsonNode node = parse(text);
        String type = node.path("t").asText();
        switch (type) {
            case "text":
                return requiredText(node, "v");
            case "request":
                return decodeSavedRequest(node);
            default:
                throw new UnreadableExtraException("unknown note type '" + type + "'", null);
        }
    }

    private static String encodeSavedRequest(SavedRequest saved) {
        ObjectNode node = JSON.createObjectNode();
        node.put("t", "request");
        node.put("method", saved.getMethod());
        node.put("requestURI", saved.getRequestURI());
        node.put("decodedRequestURI", saved.getDecodedRequestURI());
        node.put("queryString", saved.getQueryString());
        node.put("contentType", saved.getContentType());
        Integer interval = saved.getOriginalMaxInactiveIntervalOptional();
        if (interval != null) {
            node.put("originalMaxInactiveInterval", interval.intValue());
        }
        ByteChunk body = saved.getBody();
        if (body != null && body.getLength() > 0) {
            byte[] bytes = Arrays.copyOfRange(body.getBytes(), body.getStart(), body.getEnd());
            node.put("body", Base64.getEncoder().encodeToString(bytes));
        }
        Map<String, List<String>> headers = new TreeMap<>();
        for (Iterator<String> names = saved.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            List<String> values = new ArrayList<>();
            saved.getHeaderValues(name).forEachRemaining(values::add);
            headers.put(name, values);
        }
        ObjectNode h = node.putObject("headers");
        headers.forEach((name, values) -> {
            ArrayNode a = h.putArray(name);
            values.forEach(a::add);
        });
        ArrayNode locales = node.putArray("locales");
        saved.getLocales().forEachRemaining(l -> locales.add(l.toLanguageTag()));
        ArrayNode cookies = node.putArray("cookies");
        for (Iterator<Cookie> it = saved.getCookies(); it.hasNext(); ) {
            Cookie c = it.next();
            ObjectNode cn = cookies.addObject();
            cn.put("name", c.getName());
            cn.put("value", c.getValue());
            ObjectNode attrs = cn.putObject("attributes");
            new TreeMap<>(c.getAttributes()).forEach(attrs::put);
        }
        return node.toString();
    }

    private static SavedRequest decodeSavedRequest(JsonNode node) throws UnreadableExtraException {
        SavedRequest saved = new SavedRequest();
        saved.setMethod(requiredText(node, "method"));
        saved.setRequestURI(textOrNull(node, "requestURI"));
        saved.setDecodedRequestURI(textOrNull(node, "decodedRequestURI"));
        saved.setQueryString(textOrNull(node, "queryString"));
        saved.setContentType(textOrNull(node, "contentType"));
        if (node.hasNonNull("originalMaxInactiveInterval")) {
            saved.setOriginalMaxInactiveInterval(node.get("originalMaxInactiveInterval").asInt());
        }
        if (node.hasNonNull("body")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.get("body").asText());
            } catch (IllegalArgumentException e) {
                throw new UnreadableExtraException("saved request body is not base64", e);
            }
            ByteChunk body = new ByteChunk();
            body.setBytes(bytes, 0, bytes.length);
            saved.setBody(body);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            for (JsonNode value : header.getValue()) {
                saved.addHeader(header.getKey(), value.asText());
            }
        }
        for (JsonNode locale : node.path("locales")) {
            saved.addLocale(Locale.forLanguageTag(locale.asText()));
        }
        for (JsonNode cn : node.path("cookies")) {
            try {
                Cookie cookie = new Cookie(requiredText(cn, "name"), textOrNull(cn, "value"));
                for (Iterator<Map.Entry<String, JsonNode>> it = cn.path("attributes").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> a = it.next();
                    cookie.setAttribute(a.getKey(), a.getValue().asText());
                }
                saved.addCookie(cookie);
            } catch (IllegalArgumentException e) {
                throw new UnreadableExtraException("saved request cookie is invalid: " + e.getMessage(), e);
            }
        }
        return saved;
    }

    // ------------------------------------------------------------------ plumbing

    private static JsonNode parse(String text) throws UnreadableExtraException {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new UnreadableExtraException("not a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UnreadableExtraException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String requiredText(JsonNode node, String field) throws UnreadableExtraException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new UnreadableExtraException("field '" + field + "' is missing", null);
        }
        return v.asText();
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
