package io.redissessions.it.spring.webapp;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.stream.Collectors;

/** Plain-text pages, so that the test reads them without an HTML parser. */
@RestController
public class Pages {

    private final Basket basket;

    public Pages(Basket basket) {
        this.basket = basket;
    }

    /**
     * What the test harnesses poll until a node is up ({@code op=ping}, {@code op=none}): no
     * login needed. {@code op=error} shows the last login failure that Spring Security keeps in
     * the session (Spring Security 7's generated login page no longer shows it).
     */
    @GetMapping("/s")
    public String ping(@RequestParam(name = "op", defaultValue = "none") String op, HttpServletRequest request) {
        if ("error".equals(op)) {
            HttpSession session = request.getSession(false);
            Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            return failure instanceof Exception ? ((Exception) failure).getMessage() : "none";
        }
        return "ping".equals(op) ? "pong" : "ok";
    }

    @GetMapping("/")
    public String home(Authentication user, CsrfToken csrf) {
        return "home " + user.getName() + " csrf=" + csrf.getToken();
    }

    /** Adds to the session-scoped basket on every visit. */
    @GetMapping("/hello")
    public String hello(Authentication user, CsrfToken csrf,
            @RequestParam(name = "from", defaultValue = "") String from) {
        int count = basket.add("visit");
        String roles = user.getAuthorities().stream().map(Object::toString).filter(a -> a.startsWith("ROLE_"))
                .sorted().collect(Collectors.joining(","));
        return "hello " + user.getName() + " roles=" + roles + " basket=" + count + " from=" + from
                + " csrf=" + csrf.getToken();
    }

    @GetMapping("/admin")
    public String admin(Authentication user) {
        return "admin " + user.getName();
    }
}
