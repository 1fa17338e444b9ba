package dev.twophase.demo.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import org.springframework.dao.DataAccessException;
import org.springframework.jms.JmsException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.UnexpectedRollbackException;


/**
 * Every error as RFC 9457 problem+json. Problem types are {@code /problems/<slug>}; docs/api.md
 * lists them. Business rejections are logged at debug without a stack trace: they are expected.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(RejectedException.class)
    ProblemDetail rejected(RejectedException e) {
        log.debug("Rejected: {} {}", e.reason().slug(), e.getMessage());
        return problem(e.reason().status(), e.reason().slug(), e.reason().title(), e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    /**
     * A heuristic outcome: at least one participant decided on its own. Never reported as
     * success or as a clean rollback; the operator must look at the participants.
     */
    @ExceptionHandler(HeuristicCompletionException.class)
    ProblemDetail heuristic(HeuristicCompletionException e) {
        String outcome = HeuristicCompletionException.getStateString(e.getOutcomeState());
        log.error("Heuristic outcome '{}' for {}: participants may disagree; check the in-doubt branches", outcome, e.getMessage(), e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "heuristic-outcome", "Heuristic outcome",
                "The transaction ended with a heuristic outcome (" + outcome + "): the participants may not agree."
                        + " An operator must check the in-doubt branches.");
        problem.setProperty("outcome", outcome);
        return problem;
    }

    /**
     * A failure of a participant (database, broker) or of the transaction manager while the
     * transaction was still undecided: Spring rolled back the global transaction.
     */
    @ExceptionHandler({ DataAccessException.class, JmsException.class, UnexpectedRollbackException.class,
            CannotCreateTransactionException.class })
    ProblemDetail rolledBack(RuntimeException e) {
        log.warn("Request rolled back on every participant: {}", e.toString());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "rolled-back", "Rolled back",
                "A participant failed and the transaction was rolled back on every participant; nothing changed,"
                        + " so the request can be retried. Cause: " + rootMessage(e));
        problem.setProperty("outcome", "rolled back");
        return problem;
    }

    /**
     * Any other transaction-system failure: the outcome may not be known to this request (for
     * example a commit whose second phase did not reach a participant; recovery will finish it).
     */
    @ExceptionHandler(TransactionException.class)
    ProblemDetail outcomeUnknown(TransactionException e) {
        log.error("Transaction outcome unknown to the caller: {}", e.toString(), e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "outcome-unknown", "Outcome unknown",
                "The transaction manager failed while completing the transaction; its outcome is not known to this request."
                        + " For a transfer, retry with the same idempotency key: the first result is returned if it committed. Cause: " + rootMessage(e));
        problem.setProperty("outcome", "unknown");
        return problem;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.<String, Object>of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage()),
                        "rejectedValue", String.valueOf(f.getRejectedValue())))
                .toList();
        String detail = errors.stream().map(e -> e.get("field") + " " + e.get("message"))
                .reduce((a, b) -> a + "; " + b).orElse("The request is invalid.");
        ProblemDetail body = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        body.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(body);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        // A chunked body over the limit: RequestSizeLimitFilter's stream fails the read.
        if (cause instanceof RequestTooLargeException tooLarge) {
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE)
                    .body(problem(HttpStatus.PAYLOAD_TOO_LARGE, "request-too-large", "Request too large", tooLarge.getMessage()));
        }
        String detail = "The request body is not valid: " + firstLine(cause.getMessage());
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        // Jackson appends the source location; keep what names the problem.
        int at = line.indexOf(" at [Source");
        return at < 0 ? line : line.substring(0, at);
    }

    static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + slug));
        problem.setTitle(title);
        return problem;
    }
}
