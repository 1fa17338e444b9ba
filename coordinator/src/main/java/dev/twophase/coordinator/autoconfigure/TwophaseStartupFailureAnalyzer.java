package dev.twophase.coordinator.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.twophase.coordinator.TwophaseStartupException;

/** Reports a failed twophase startup check as Description / Action instead of a stack trace. */
class TwophaseStartupFailureAnalyzer extends AbstractFailureAnalyzer<TwophaseStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TwophaseStartupException cause) {
        String description = cause.getMessage();
        if (cause.getCause() != null) {
            description += System.lineSeparator() + System.lineSeparator() + "Cause: " + cause.getCause();
        }
        return new FailureAnalysis(description, cause.action(), cause);
    }
}
