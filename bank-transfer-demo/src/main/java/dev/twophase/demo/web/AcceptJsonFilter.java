package dev.twophase.demo.web;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses with 406, before any endpoint runs, an API or admin request whose {@code Accept} header
 * excludes JSON. Spring MVC would only find out when writing the answer, that is after the
 * transaction committed: a transfer sent with {@code Accept: application/xml} moved the money and
 * told the client 406.
 */
@Component
class AcceptJsonFilter extends OncePerRequestFilter {

    private static final List<MediaType> ANSWERS = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

    private final ObjectMapper json;

    AcceptJsonFilter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (acceptsJson(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)))) {
            chain.doFilter(request, response);
        } else {
            Problems.write(response, json, WebProblems.notAcceptable());
        }
    }

    private static boolean acceptsJson(List<String> accept) {
        if (accept.isEmpty()) {
            return true;
        }
        try {
            for (MediaType type : MediaType.parseMediaTypes(accept)) {
                if (type.getQualityValue() > 0 && ANSWERS.stream().anyMatch(type::isCompatibleWith)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/") && !path.startsWith("/admin/");
    }
}
