package dev.twophase.demo.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tomcat's error report as problem+json instead of its HTML page. Tomcat answers some requests
 * itself before any filter or servlet runs (a broken %-escape, an encoded '/' or '\', a '..' above
 * the root, a control character in the path); for those it renders this report. Everything that
 * reaches the application is answered by {@link ProblemErrorController} and {@link ProblemHandler}.
 */
class ProblemErrorReportValve extends ErrorReportValve {

    private final ObjectMapper json;

    ProblemErrorReportValve(ObjectMapper json) {
        this.json = json;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own report: not for a success, not after a body, and only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        // Tomcat refuses a path with 400 "Invalid URI..."; other refusals (headers too large, ...) keep
        // their status with the API's words for it.
        String message = response.getMessage();
        var problem = status == 400 && message != null && message.contains("URI") ? WebProblems.invalidPath()
                : WebProblems.forStatus(status);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was already on its way: there is nobody to tell.
        }
    }
}
