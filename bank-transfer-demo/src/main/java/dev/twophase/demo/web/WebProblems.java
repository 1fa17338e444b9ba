package dev.twophase.demo.web;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The problems of the HTTP layer, the same whichever part refused the request (Spring MVC, the
 * security firewall, the error page, Tomcat): no path, no method, no media type the API serves, or a
 * request that is not well-formed HTTP. Their details never echo the request: a path or a header is
 * the client's own, and telling it back serves nobody but a probe.
 */
final class WebProblems {

    private WebProblems() {
    }

    static ProblemDetail notFound() {
        return Problems.problem(HttpStatus.NOT_FOUND, "not-found", "Not found",
                "There is nothing at this path. The API's paths begin with /api/ (e.g. GET /api/accounts); docs/api.md lists them.");
    }

    static ProblemDetail methodNotAllowed(Set<HttpMethod> allowed) {
        String use = allowed == null || allowed.isEmpty() ? " The API takes GET, POST and DELETE only."
                : " Use " + allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(" or "))
                        + "; the Allow header lists the methods it takes.";
        return Problems.problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                "This path does not take that method." + use);
    }

    static ProblemDetail unsupportedMediaType() {
        return Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
                "Send the body as JSON with the header Content-Type: application/json.");
    }

    static ProblemDetail notAcceptable() {
        return Problems.problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                "The API answers JSON only: accept application/json (errors come as application/problem+json).");
    }

    /** A path the firewall or Tomcat refuses before any endpoint sees it. */
    static ProblemDetail invalidPath() {
        return Problems.problem(HttpStatus.BAD_REQUEST, "invalid-path", "Invalid path",
                "The request path is not allowed: it holds an encoded '/', '\\' or '.', a '..' segment, a ';', a '//',"
                        + " a control character or a broken %-escape. Send a plain path such as /api/transfers/{id}.");
    }

    /** The API's words for a status, when nothing more specific is known. */
    static ProblemDetail forStatus(int status) {
        return switch (status) {
            case 400 -> Problems.problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                    "The request is not well-formed HTTP: a malformed or too large request line or header, or a header or"
                            + " parameter with a character the API does not accept; docs/api.md shows valid requests.");
            case 401 -> Problems.problem(HttpStatus.UNAUTHORIZED, "admin-login-required", "Admin login required",
                    "Send a console user's name and password in an Authorization: Basic header.");
            case 403 -> Problems.problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "This request is not allowed.");
            case 404 -> notFound();
            case 405 -> methodNotAllowed(null);
            case 406 -> notAcceptable();
            case 408 -> Problems.problem(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "Request timeout",
                    "The request was not received in time; send it again.");
            case 413 -> Problems.problem(HttpStatus.PAYLOAD_TOO_LARGE, "request-too-large", "Request too large",
                    "The request is too large: a body may have at most " + RequestSizeLimitFilter.MAX_BYTES + " bytes.");
            case 414, 431 -> Problems.problem(HttpStatus.valueOf(status), "request-too-large", "Request too large",
                    "The request line or its headers are too long.");
            case 415 -> unsupportedMediaType();
            case 503 -> Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
                    "The service cannot answer now; retry later (a transfer with the same idempotency key).");
            default -> status >= 500 || HttpStatus.resolve(status) == null ? internalError()
                    : Problems.problem(HttpStatus.valueOf(status), "bad-request", "Bad request",
                            "The request was refused; docs/api.md shows valid requests.");
        };
    }

    /**
     * A failure the application did not foresee. Its outcome is not known to this answer: a
     * transfer retried with the same idempotency key returns its first result if it committed.
     */
    static ProblemDetail internalError() {
        return Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The server failed to answer this request; the failure is logged. Its outcome is not known to this answer:"
                        + " retry a transfer with the same idempotency key to learn whether it committed.");
    }
}
