package dev.twophase.demo.admin;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.coordinator.console.ConsoleProperties;
import dev.twophase.coordinator.console.ConsoleRole;
import dev.twophase.demo.web.Problems;

/**
 * Who may use {@code /admin/**} (the web page's admin panel and the fault injector): the console
 * users ({@code twophase.console.remote.users.*}, the same as for remote JMX), {@code monitor} to
 * read ({@code GET /admin/branches}, {@code GET /admin/faults}), {@code operator} for everything,
 * including resolving a branch and arming a fault (which can halt the process). Credentials come in
 * an {@code Authorization: Basic} header that the page sends from memory; there is no session and
 * no {@code WWW-Authenticate} challenge, so the browser never stores or replays them by itself
 * (hence no CSRF token is needed). The actuator is open, but shows health details only to a
 * logged-in console user. The flows' API is open.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger("dev.twophase.audit");

    @Bean
    @Order(1)
    SecurityFilterChain admin(HttpSecurity http, ObjectMapper json) throws Exception {
        AuthenticationEntryPoint unauthenticated = unauthenticated(json);
        AccessDeniedHandler denied = (request, response, e) -> {
            String user = request.getUserPrincipal() == null ? "?" : request.getUserPrincipal().getName();
            log.warn("AUDIT web admin refused {} {} to user '{}'", request.getMethod(), request.getRequestURI(), user);
            Problems.write(response, json, Problems.problem(HttpStatus.FORBIDDEN, "admin-role-required", "Operator role required",
                    "User '" + user + "' has the monitor role, which may only read (GET /admin/branches, GET /admin/faults);"
                            + " resolving a branch and arming or disarming faults need the operator role."));
        };
        // Everything under /admin/, also a path without an endpoint: a stranger learns nothing, not even a 404.
        http.securityMatcher("/admin/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.GET, "/admin/branches", "/admin/faults")
                                .hasAnyRole(ConsoleRole.MONITOR.name(), ConsoleRole.OPERATOR.name())
                        .anyRequest().hasRole(ConsoleRole.OPERATOR.name()))
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /**
     * The actuator stays open (probes need no password), but a console user may log in: health
     * shows its details ({@code show-details: when-authorized}) only to an authenticated user.
     * Wrong credentials are refused rather than ignored, so that a typo does not look like "no details".
     */
    @Bean
    @Order(2)
    SecurityFilterChain actuator(HttpSecurity http, ObjectMapper json) throws Exception {
        AuthenticationEntryPoint unauthenticated = unauthenticated(json);
        http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        // The JSON API uses no cookies or sessions, so there is nothing for CSRF to ride on.
        http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** 401 in the API's words: no challenge header, so a browser never prompts or stores the password itself. */
    private static AuthenticationEntryPoint unauthenticated(ObjectMapper json) {
        return (request, response, e) -> Problems.write(response, json, Problems.problem(HttpStatus.UNAUTHORIZED,
                "admin-login-required", "Admin login required",
                "Send a console user's name and password in an Authorization: Basic header (users are configured as"
                        + " twophase.console.remote.users.<name>.password and .role, see docs/console.md); "
                        + (e instanceof BadCredentialsException ? "the name or password sent is wrong." : "none was sent.")));
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** The console users; none configured means nobody can log in to the admin panel. */
    @Bean
    UserDetailsService consoleUsers(ConsoleProperties console, PasswordEncoder encoder) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        console.remote().users().forEach((name, user) -> {
            ConsoleRole role = ConsoleRole.parse(user.role());
            if (user.password() == null || user.password().isBlank() || role == null) {
                throw new org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException(
                        "twophase.console.remote.users." + name, "(hidden)",
                        "a console user needs a password and the role monitor or operator");
            }
            users.createUser(User.withUsername(name).password(encoder.encode(user.password()))
                    .roles(role.name().toUpperCase(Locale.ROOT)).build());
        });
        return users;
    }
}
