package dev.twophase.demo.admin;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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

/**
 * Who may use the web page's admin panel ({@code /admin/branches}): the console users
 * ({@code twophase.console.remote.users.*}, the same as for remote JMX), {@code monitor} to list,
 * {@code operator} to resolve. Credentials come in an {@code Authorization: Basic} header that the
 * page sends from memory; there is no session and no {@code WWW-Authenticate} challenge, so the
 * browser never stores or replays them by itself (hence no CSRF token is needed). Everything
 * else stays open, as before: the flows' API and {@code /admin/faults} (guarded by
 * {@code twophase.faults.enabled}).
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger("dev.twophase.audit");

    @Bean
    @Order(1)
    SecurityFilterChain adminBranches(HttpSecurity http, ObjectMapper json) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> problem(response, json, HttpStatus.UNAUTHORIZED,
                "/problems/admin-login-required", "Admin login required",
                "Log in as a console user (twophase.console.remote.users.<name>.password and .role): " + e.getMessage());
        AccessDeniedHandler denied = (request, response, e) -> {
            String user = request.getUserPrincipal() == null ? "?" : request.getUserPrincipal().getName();
            log.warn("AUDIT web admin refused {} {} to user '{}'", request.getMethod(), request.getRequestURI(), user);
            problem(response, json, HttpStatus.FORBIDDEN, "/problems/admin-role-required", "Operator role required",
                    "User '" + user + "' has the monitor role, which may only list; resolving a branch needs the operator role.");
        };
        http.securityMatcher("/admin/branches", "/admin/branches/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.GET, "/admin/branches").hasAnyRole(ConsoleRole.MONITOR.name(), ConsoleRole.OPERATOR.name())
                        .anyRequest().hasRole(ConsoleRole.OPERATOR.name()))
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        // The JSON API uses no cookies or sessions, so there is nothing for CSRF to ride on.
        http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
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

    private static void problem(HttpServletResponse response, ObjectMapper json, HttpStatus status, String type, String title,
            String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(java.net.URI.create(type));
        problem.setTitle(title);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
