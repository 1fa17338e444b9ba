package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation.Age;

class CoordinatorIncarnationTest {

    private static final Instant STARTED = Instant.parse("2026-11-21T10:00:00.123Z");
    private final CoordinatorIncarnation demo1 = CoordinatorIncarnation.started(TmName.of("demo-1"), STARTED, Set.of());

    @Test
    void readsTheCreationTimeFromAnAtomikosTransactionId() {
        // <tm_unique_name><System.currentTimeMillis()><counter, 5 digits> as UniqueIdMgr.get() builds it.
        assertThat(demo1.createdAt("demo-1.179525514012300017")).contains(Instant.ofEpochMilli(1795255140123L));
        assertThat(demo1.createdAt("demo-1.179525514012300000")).as("counter wrapped to 0")
                .contains(Instant.ofEpochMilli(1795255140123L));
    }

    @Test
    void tellsEarlierRunsFromThisOneToTheMillisecond() {
        long start = STARTED.toEpochMilli();
        assertThat(demo1.ageOf("demo-1." + (start - 1) + "31999")).isEqualTo(Age.PREVIOUS);
        assertThat(demo1.ageOf("demo-1." + start + "00001")).as("same millisecond as the start").isEqualTo(Age.CURRENT);
        assertThat(demo1.ageOf("demo-1." + (start + 60_000) + "00001")).isEqualTo(Age.CURRENT);
    }

    @Test
    void doesNotReadIdsOfOtherCoordinatorsOrInOtherFormats() {
        assertThat(demo1.ageOf("demo-10.179525514012300017")).as("another coordinator").isEqualTo(Age.UNKNOWN);
        assertThat(demo1.ageOf("demo-1179525514012300017")).as("no terminator").isEqualTo(Age.UNKNOWN);
        assertThat(demo1.ageOf("demo-1.00017")).as("counter only").isEqualTo(Age.UNKNOWN);
        assertThat(demo1.ageOf("demo-1.17952551401230001x")).isEqualTo(Age.UNKNOWN);
        assertThat(demo1.ageOf("demo-1.9999999999999999999999")).as("does not fit a long").isEqualTo(Age.UNKNOWN);
        assertThat(demo1.ageOf("")).isEqualTo(Age.UNKNOWN);
        assertThat(demo1.createdAt(null)).isEmpty();
    }

    @Test
    void ownsBranchesWhoseQualifierStartsWithItsAtomikosName() {
        assertThat(demo1.owns(Xids.of("anything", "demo-1.12"))).isTrue();
        assertThat(demo1.owns(Xids.of("demo-1.179525514012300017", "demo-10.12"))).isFalse();
    }

    @Test
    void takesTheStartBeforeAtomikosInitAndTheLogSnapshotAfterIt() {
        AtomicReference<Set<String>> log = new AtomicReference<>(Set.of("in-log-before-init"));
        MutableClock clock = new MutableClock(STARTED.plusNanos(999_999));
        CoordinatorIncarnation incarnation = new CoordinatorIncarnation(TmName.of("demo-1"), clock, log::get);

        assertThatIllegalStateException().isThrownBy(incarnation::startedAt).withMessageContaining("'demo-1' has not started");

        incarnation.beforeInit();
        log.set(Set.of("demo-1.179525514000000001"));
        incarnation.afterInit();
        log.set(Set.of());

        assertThat(incarnation.startedAt()).as("millisecond precision, as in the ids").isEqualTo(STARTED);
        assertThat(incarnation.committingAtStartup()).containsExactly("demo-1.179525514000000001");
    }
}
