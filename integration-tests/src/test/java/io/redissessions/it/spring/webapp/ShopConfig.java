package io.redissessions.it.spring.webapp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.annotation.SessionScope;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * A Spring MVC + Spring Security application as the guides build one: form login with the
 * generated login page, CSRF on (the default), a page for role ADMIN, logout, and a
 * {@code @SessionScope} bean. Its session holds what Spring Security stores there: the security
 * context, the CSRF token, the interrupted request and the last login failure.
 */
@Configuration
@EnableWebMvc
@EnableWebSecurity
public class ShopConfig {

    @Bean
    public SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/s").permitAll()
                        .requestMatchers("/admin").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    public UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-secret").roles("USER").build(),
                User.withUsername("bob").password("{noop}bob-secret").roles("USER", "ADMIN").build());
    }

    @Bean
    @SessionScope
    public Basket basket() {
        return new Basket();
    }

    @Bean
    public Pages pages(Basket basket) {
        return new Pages(basket);
    }
}
