package dev.twophase.demo.web;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jms.JmsException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import dev.twophase.demo.tx.TransactionRolledBackException;

/**
 * Every error as RFC 9457 problem+json. Problem types are {@code /problems/<slug>}; docs/api.md
 * lists them. Details are in the API's own words (the field, what it allows, an example): never an
 * exception's text, a class name or SQL; the cause goes to the log. Business rejections are logged
 * at debug without a stack trace: they are expected. What Spring MVC never sees (Tomcat's and the
 * security firewall's refusals, the error page) is answered by {@link ContainerErrorsConfiguration}.
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
            CannotCreateTransactionException.class, TransactionRolledBackException.class })
    ProblemDetail rolledBack(RuntimeException e) {
        if (e instanceof TransactionRolledBackException) {
            log.error("Request rolled back on every participant after an unexpected failure of its work", e.getCause());
        }
        log.warn("Request rolled back on every participant: {} (root cause {})", e.toString(), rootMessage(e));
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "rolled-back", "Rolled back",
                "A participant failed and the transaction was rolled back on every participant; nothing changed,"
                        + " so the request can be retried (a transfer with the same idempotency key).");
        problem.setProperty("outcome", "rolled back");
        return problem;
    }

    /**
     * Any other transaction-system failure: the outcome may not be known to this request (for
     * example a commit whose second phase did not reach a participant; recovery will finish it).
     */
    @ExceptionHandler(TransactionException.class)
    ProblemDetail outcomeUnknown(TransactionException e) {
        log.error("Transaction outcome unknown to the caller: {} (root cause {})", e.toString(), rootMessage(e), e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "outcome-unknown", "Outcome unknown",
                "The transaction manager failed while completing the transaction; its outcome is not known to this request."
                        + " For a transfer, retry with the same idempotency key: the first result is returned if it committed.");
        problem.setProperty("outcome", "unknown");
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.<String, Object>of("field", f.getField(), "message", fieldMessage(f)))
                .toList();
        String detail = errors.stream().map(e -> String.valueOf(e.get("message")))
                .reduce((a, b) -> a + " " + b).orElse("The request is invalid." + ApiFields.sendExample(path(request)));
        ProblemDetail body = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        body.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(body);
    }

    /** The field's rule from ApiFields, so that it reads the same whichever check refused the value. */
    private static String fieldMessage(FieldError error) {
        boolean missing = error.getRejectedValue() == null || "NotNull".equals(error.getCode());
        return missing ? ApiFields.required(error.getField()) : ApiFields.mustBe(error.getField());
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
        log.debug("Unreadable request body: {}", cause.toString());
        String detail = JsonBodyErrors.describe(ex.getCause(), path(request));
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, WebProblems.notFound());
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, WebProblems.notFound());
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, WebProblems.methodNotAllowed(ex.getSupportedHttpMethods()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, WebProblems.unsupportedMediaType());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, WebProblems.notAcceptable());
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return answer(ex, headers, problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                name == null ? "A parameter has the wrong type; docs/api.md gives each parameter's range." : ApiFields.mustBe(name)));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return answer(ex, headers, problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                ApiFields.required(ex.getParameterName())));
    }

    /**
     * Every other exception Spring MVC answers itself (a missing header, a conversion failure, ...):
     * its status stays, its text (which names Spring's classes and settings) is replaced by the
     * API's words for that status.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        Object answer = body;
        if (!(body instanceof ProblemDetail problem) || "about:blank".equals(String.valueOf(problem.getType()))) {
            log.debug("Request refused by Spring MVC: {}", ex.toString());
            answer = WebProblems.forStatus(statusCode.value());
        }
        return super.handleExceptionInternal(ex, answer, headers, statusCode, request);
    }

    private ResponseEntity<Object> answer(Exception ex, HttpHeaders headers, ProblemDetail problem) {
        log.debug("Request refused: {}", ex.toString());
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
    }

    static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        return Problems.problem(status, slug, title, detail);
    }
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
