package dev.twophase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class AgesTest {

    @Test
    void formatsTheTwoLargestUnits() {
        assertThat(Ages.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Ages.format(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(Ages.format(Duration.ofMinutes(125))).isEqualTo("2h05m");
        assertThat(Ages.format(Duration.ofHours(76))).isEqualTo("3d04h");
    }

    @Test
    void aTimeInTheFutureIsZeroSecondsOld() {
        assertThat(Ages.format(Duration.ofSeconds(-5))).isEqualTo("0s");
    }

    @Test
    void readsUtcAndOffsetTimesAndNothingElse() {
        Instant now = Instant.parse("2026-11-21T13:40:00Z");

        assertThat(Ages.since("2026-11-21T13:36:48Z", now)).isEqualTo("3m12s");
        assertThat(Ages.since("2026-11-21T14:36:48+01:00", now)).isEqualTo("3m12s");
        assertThat(Ages.since(null, now)).isNull();
        assertThat(Ages.since("yesterday", now)).isNull();
    }
}
