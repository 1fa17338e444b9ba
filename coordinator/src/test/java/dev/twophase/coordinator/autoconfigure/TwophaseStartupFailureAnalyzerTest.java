package dev.twophase.coordinator.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.twophase.coordinator.TwophaseStartupException;

class TwophaseStartupFailureAnalyzerTest {

    private final TwophaseStartupFailureAnalyzer analyzer = new TwophaseStartupFailureAnalyzer();

    @Test
    void reportsTheCheckThatFailedAsDescriptionAndAction() {
        IOException cause = new IOException("Read-only file system");
        TwophaseStartupException failure = new TwophaseStartupException("recovery log directory /var/tx",
                "it is not writable", "Set twophase.coordinator.log-dir to a writable directory.", cause);

        FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("atomikosTransactionService", failure));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).startsWith("recovery log directory /var/tx: it is not writable")
                .contains("Cause: java.io.IOException: Read-only file system");
        assertThat(analysis.getAction()).isEqualTo("Set twophase.coordinator.log-dir to a writable directory.");
        assertThat(analysis.getCause()).isSameAs(failure);
    }

    @Test
    void leavesOutTheCauseLineWhenThereIsNone() {
        FailureAnalysis analysis = analyzer.analyze(new TwophaseStartupException("s", "d", "a", null));

        assertThat(analysis.getDescription()).isEqualTo("s: d");
        assertThat(analysis.getAction()).isEqualTo("a");
    }

    @Test
    void ignoresOtherFailures() {
        assertThat(analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
    }
}
