package dev.twophase.demo.web;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Builds and writes the demo's RFC 9457 problems ({@code type} {@code /problems/<slug>}, listed in
 * docs/api.md). Used by the MVC handler and by the places that answer before or outside Spring MVC:
 * the size-limit filter, the security chains, the firewall, the error page and Tomcat's own errors.
 */
public final class Problems {

    private Problems() {
    }

    /** A problem of type {@code /problems/<slug>}; {@code detail} must be in the API's own words. */
    public static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + slug));
        problem.setTitle(title);
        return problem;
    }

    /** Writes the problem as the whole response, for code that runs outside Spring MVC. */
    public static void write(HttpServletResponse response, ObjectMapper json, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        // No charset parameter, as Spring MVC answers it: JSON is UTF-8, which Jackson writes to the stream.
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
