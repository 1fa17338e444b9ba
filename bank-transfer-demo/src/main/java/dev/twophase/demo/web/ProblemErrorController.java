package dev.twophase.demo.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page ({@code /error}) in place of Boot's: what reaches it (a {@code sendError} from a
 * filter, an exception no handler took) is answered as problem+json in the API's words, for every
 * method and whatever the client accepts; never Boot's {@code timestamp/error/path} body or an HTML
 * page. The exception, if any, goes to the log only.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly, /error is just another path without an endpoint.
        int status = code instanceof Integer c ? c : 404;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (failure instanceof Throwable t && status >= 500) {
            log.error("Unhandled failure of {} {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), request.getMethod(), t);
        }
        ProblemDetail problem = WebProblems.forStatus(status);
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
