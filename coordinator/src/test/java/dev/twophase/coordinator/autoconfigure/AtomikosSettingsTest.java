package dev.twophase.coordinator.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

class AtomikosSettingsTest {

    private static final Path LOG_DIR = Path.of("build-tx-log");

    @ParameterizedTest
    @ValueSource(strings = { "", "Orders-1", "tm_1", "tm.1", "-tm", "abcdefghijklmnopqrstuvwxyz01234" })
    void rejectsABadTmNameNamingTheProperty(String name) {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(props(name, LOG_DIR, "10s", "5m", "10s", 200)))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.tm-name");
                    assertThat(e.getValue()).isEqualTo(name);
                    assertThat(e.getReason()).contains("e.g. orders-1");
                });
    }

    @Test
    void rejectsAMissingTmName() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(props(null, LOG_DIR, "10s", "5m", "10s", 200)))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.tm-name"));
    }

    @Test
    void rejectsAMissingLogDir() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(props("tm1", null, "10s", "5m", "10s", 200)))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.log-dir"));
    }

    @Test
    void rejectsADefaultTimeoutAboveTheMaxTimeout() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(props("tm1", LOG_DIR, "6m", "5m", "10s", 200)))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.default-timeout");
                    assertThat(e.getReason()).contains("twophase.coordinator.max-timeout");
                });
    }

    @Test
    void rejectsZeroMaxActives() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(props("tm1", LOG_DIR, "10s", "5m", "10s", 0)))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.max-actives"));
    }

    @Test
    void rejectsZeroDurationsNamingEachProperty() {
        assertThat(nameRejected(props("tm1", LOG_DIR, "0s", "5m", "10s", 200))).isEqualTo("twophase.coordinator.default-timeout");
        assertThat(nameRejected(props("tm1", LOG_DIR, "10s", "0s", "10s", 200))).isEqualTo("twophase.coordinator.max-timeout");
        assertThat(nameRejected(props("tm1", LOG_DIR, "10s", "5m", "0s", 200))).isEqualTo("twophase.coordinator.recovery-delay");
        assertThat(nameRejected(props("tm1", LOG_DIR, "10s", "5m", "-1s", 200))).isEqualTo("twophase.coordinator.recovery-delay");
    }

    @Test
    void buildsAtomikosPropertiesFromValidSettings() {
        AtomikosSettings settings = AtomikosSettings.from(props("orders-1", LOG_DIR, "15s", "2m", "30s", 50));

        Properties p = settings.atomikosProperties();
        assertThat(p.getProperty("com.atomikos.icatch.tm_unique_name")).isEqualTo("orders-1.");
        assertThat(p.getProperty("com.atomikos.icatch.throw_on_heuristic")).isEqualTo("true");
        assertThat(p.getProperty("com.atomikos.icatch.enable_logging")).isEqualTo("true");
        assertThat(p.getProperty("com.atomikos.icatch.log_base_name")).isEqualTo(AtomikosSettings.LOG_BASE_NAME);
        assertThat(Path.of(p.getProperty("com.atomikos.icatch.log_base_dir")))
                .isAbsolute().isEqualTo(LOG_DIR.toAbsolutePath().normalize());
        assertThat(p.getProperty("com.atomikos.icatch.default_jta_timeout")).isEqualTo("15000");
        assertThat(p.getProperty("com.atomikos.icatch.max_timeout")).isEqualTo("120000");
        assertThat(p.getProperty("com.atomikos.icatch.recovery_delay")).isEqualTo("30000");
        assertThat(p.getProperty("com.atomikos.icatch.max_actives")).isEqualTo("50");
        assertThat(p.getProperty("com.atomikos.icatch.forget_orphaned_log_entries_delay")).isEqualTo("86400000");
        assertThat(p.getProperty("com.atomikos.icatch.oltp_max_retries")).isEqualTo("5");
        assertThat(p.getProperty("com.atomikos.icatch.oltp_retry_interval")).isEqualTo("10000");
        assertThat(settings.phaseTwoGrace()).as("two commit retries").isEqualTo(java.time.Duration.ofSeconds(20));
        assertThat(settings.logDir()).isAbsolute();
        assertThat(settings.tmName().value()).isEqualTo("orders-1");
    }

    @Test
    void acceptsADefaultTimeoutEqualToTheMaxTimeout() {
        assertThat(AtomikosSettings.from(props("tm1", LOG_DIR, "5m", "5m", "10s", 1)).atomikosProperties()
                .getProperty("com.atomikos.icatch.default_jta_timeout")).isEqualTo("300000");
    }

    @Test
    void handsOutACopyOfTheProperties() {
        AtomikosSettings settings = AtomikosSettings.from(props("tm1", LOG_DIR, "10s", "5m", "10s", 200));
        settings.atomikosProperties().setProperty("com.atomikos.icatch.tm_unique_name", "tampered");
        assertThat(settings.atomikosProperties().getProperty("com.atomikos.icatch.tm_unique_name")).isEqualTo("tm1.");
    }

    @Test
    void rejectsANonPositiveRecoveryIntervalOrDeadlineNamingEachProperty() {
        assertThat(nameRejected(recovery("0s", "60s", List.of()))).isEqualTo("twophase.coordinator.recovery-interval");
        assertThat(nameRejected(recovery("-2s", "60s", List.of()))).isEqualTo("twophase.coordinator.recovery-interval");
        assertThat(nameRejected(recovery("2s", "0s", List.of()))).isEqualTo("twophase.coordinator.recovery-deadline");
    }

    @Test
    void rejectsAnOrphanDelayShorterThanTheMaxTimeoutBecauseDecisionsWouldVanishBeforeRecovery() {
        CoordinatorProperties p = props("tm1", LOG_DIR, "10s", "5m", "10s", 200);
        CoordinatorProperties shortDelay = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                Duration.ofMinutes(1), 5, Duration.ofSeconds(10), true, "file", null, null);
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(shortDelay))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.forget-orphaned-log-entries-delay");
                    assertThat(e.getReason()).contains("presumed aborted");
                });
    }

    @Test
    void rejectsARecoveryIntervalThatIsNotShorterThanTheMaxTimeout() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(recovery("5m", "10m", List.of())))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.recovery-interval");
                    assertThat(e.getValue()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(e.getReason()).contains("twophase.coordinator.max-timeout").contains("e.g. 2s");
                });
    }

    @Test
    void rejectsARecoveryDeadlineShorterThanTheInterval() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(recovery("10s", "5s", List.of())))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.recovery-deadline");
                    assertThat(e.getReason()).contains("twophase.coordinator.recovery-interval").contains("e.g. to 60s");
                });
    }

    @Test
    void rejectsBlankOrRepeatedRecoveryParticipants() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(recovery("2s", "60s", List.of("bankA", " "))))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.recovery-participants");
                    assertThat(e.getReason()).contains("empty name").contains("bankA,bankB,broker");
                });
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(recovery("2s", "60s", List.of("bankA", "bankA"))))
                .satisfies(e -> assertThat(e.getReason()).contains("names 'bankA' twice"));
    }

    @Test
    void keepsRecoverySettingsAndForbidsSubtransactions() {
        AtomikosSettings settings = AtomikosSettings.from(recovery("500ms", "30s", List.of("bankB", "bankA", "broker")));

        assertThat(settings.recoveryInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.recoveryDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.recoveryParticipants()).containsExactly("bankB", "bankA", "broker");
        assertThat(settings.defaultTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.atomikosProperties().getProperty("com.atomikos.icatch.allow_subtransactions")).isEqualTo("false");
    }

    @Test
    void treatsMissingRecoveryParticipantsAsNone() {
        assertThat(AtomikosSettings.from(recovery("2s", "60s", null)).recoveryParticipants()).isEmpty();
    }

    private static String nameRejected(CoordinatorProperties p) {
        try {
            AtomikosSettings.from(p);
        } catch (InvalidConfigurationPropertyValueException e) {
            return e.getName();
        }
        return "<accepted>";
    }

    @Test
    void rejectsAnUnknownLogStoreNamingTheChoices() {
        CoordinatorProperties p = props("tm1", LOG_DIR, "10s", "5m", "10s", 200);
        CoordinatorProperties disk = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "disk", null, null);
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(disk))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.log-store");
                    assertThat(e.getValue()).isEqualTo("disk");
                    assertThat(e.getReason()).contains("file").contains("atomikos").contains("postgresql");
                });
    }

    @Test
    void thePostgresqlStoreNeedsItsDatabase() {
        CoordinatorProperties p = props("tm1", LOG_DIR, "10s", "5m", "10s", 200);
        CoordinatorProperties noDatabase = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "postgresql",
                new CoordinatorProperties.LogDatabase(null, "u", "secret", null), null);
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(noDatabase))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.log-database.url"));
        CoordinatorProperties withDatabase = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "postgresql",
                new CoordinatorProperties.LogDatabase("jdbc:postgresql://db/app", "u", "secret", null), null);
        AtomikosSettings settings = AtomikosSettings.from(withDatabase);
        assertThat(settings.logDatabase().lease()).isEqualTo(Duration.ofSeconds(30));
        // The password never goes into Atomikos's properties, which Atomikos prints at startup.
        assertThat(settings.atomikosProperties().values()).doesNotContain("secret");
    }

    @Test
    void takeoverNeedsTheLogInPostgresql() {
        CoordinatorProperties p = props("tm1", LOG_DIR, "10s", "5m", "10s", 200);
        CoordinatorProperties onFiles = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "file", null,
                new CoordinatorProperties.Takeover(true, Duration.ofSeconds(5)));
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(onFiles))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.takeover.enabled");
                    assertThat(e.getReason()).contains("twophase.coordinator.log-store=postgresql");
                });
        CoordinatorProperties inPostgres = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "postgresql",
                new CoordinatorProperties.LogDatabase("jdbc:postgresql://db/app", "u", "secret", null),
                new CoordinatorProperties.Takeover(true, Duration.ZERO));
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(inPostgres))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.takeover.interval"));
    }

    @Test
    void aLastResourceNeedsTwophasesOwnLog() {
        CoordinatorProperties p = props("tm1", LOG_DIR, "10s", "5m", "10s", 200);
        CoordinatorProperties withAtomikosLog = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "atomikos", null, null, "bank-a");
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> AtomikosSettings.from(withAtomikosLog))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.coordinator.last-resource");
                    assertThat(e.getValue()).isEqualTo("bank-a");
                    assertThat(e.getReason()).contains("twophase.coordinator.log-store=file");
                });
        CoordinatorProperties onFiles = new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(),
                p.recoveryDelay(), p.maxActives(), p.recoveryInterval(), p.recoveryDeadline(), p.recoveryParticipants(),
                p.forgetOrphanedLogEntriesDelay(), 5, Duration.ofSeconds(10), false, "file", null, null, " bank-a ");
        assertThat(AtomikosSettings.from(onFiles).lastResource()).isEqualTo("bank-a");
        assertThat(AtomikosSettings.from(p).lastResource()).isNull();
    }

    @Test
    void passesTheLogStoreToTheLogFactory() {
        assertThat(AtomikosSettings.from(props("tm1", LOG_DIR, "10s", "5m", "10s", 200)).atomikosProperties()
                .getProperty(AtomikosSettings.LOG_STORE_PROPERTY)).isEqualTo("file");
    }

    private static CoordinatorProperties props(String tmName, Path logDir, String defaultTimeout, String maxTimeout,
            String recoveryDelay, int maxActives) {
        return recovery("2s", "60s", List.of(), new CoordinatorProperties(tmName, logDir, duration(defaultTimeout),
                duration(maxTimeout), duration(recoveryDelay), maxActives, null, null, null, Duration.ofHours(24), 5, Duration.ofSeconds(10), true, "file", null, null));
    }

    private static CoordinatorProperties recovery(String interval, String deadline, List<String> participants) {
        return recovery(interval, deadline, participants, props("tm1", LOG_DIR, "10s", "5m", "10s", 200));
    }

    private static CoordinatorProperties recovery(String interval, String deadline, List<String> participants,
            CoordinatorProperties p) {
        return new CoordinatorProperties(p.tmName(), p.logDir(), p.defaultTimeout(), p.maxTimeout(), p.recoveryDelay(),
                p.maxActives(), duration(interval), duration(deadline), participants, p.forgetOrphanedLogEntriesDelay(), p.commitRetries(), p.commitRetryInterval(), p.parallelPhases(), p.logStore(), p.logDatabase(), p.takeover());
    }

    private static Duration duration(String value) {
        return value == null ? null : org.springframework.boot.convert.DurationStyle.detectAndParse(value);
    }
}
