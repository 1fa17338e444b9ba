package dev.twophase.demo.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * problem+json for the requests that never reach Spring MVC: those Spring Security's firewall
 * rejects (an encoded '/', '%', '.', a '..' or '//' segment, a ';' or a backslash in the path) and
 * those Tomcat refuses itself. Boot's error page is replaced by {@link ProblemErrorController}.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ContainerErrorsConfiguration.class);

    /**
     * The firewall's refusal as problem+json instead of a bare 400 through the error page: 405 for
     * a method the API never takes (TRACE, made-up ones), 400 {@code invalid-path} for a path, 400
     * {@code bad-request} for a header, parameter or host. The firewall's own message, which
     * repeats the request and names its settings, goes to the log only.
     */
    @Bean
    WebSecurityCustomizer problemForRejectedRequests(ObjectMapper json) {
        RequestRejectedHandler handler = (request, response, rejected) -> {
            log.debug("Request rejected by the firewall: {}", rejected.getMessage());
            String reason = String.valueOf(rejected.getMessage());
            ProblemDetail problem = reason.contains("HTTP method") ? WebProblems.methodNotAllowed(null)
                    : reason.contains("header") || reason.contains("parameter") || reason.contains("domain")
                            ? WebProblems.forStatus(400) : WebProblems.invalidPath();
            Problems.write(response, json, problem);
        };
        return web -> web.requestRejectedHandler(handler);
    }

    /**
     * Tomcat's error report valve on the host replaced by {@link ProblemErrorReportValve}; the
     * host's valve class is set too, or Tomcat would add its HTML one again when the host starts.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReport(ObjectMapper json) {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                host.getPipeline().addValve(new ProblemErrorReportValve(json));
            }
        });
    }
}
