package dev.twophase.coordinator.atomikos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.atomikos.util.UniqueIdMgr;

class AtomikosInternalsTest {

    @Test
    void everyListedInternalExistsInThePinnedAtomikos() {
        assertThat(AtomikosInternals.version()).isEqualTo(AtomikosInternals.EXPECTED_VERSION);
        assertThatCode(AtomikosInternals::verify).doesNotThrowAnyException();
    }

    @Test
    void transactionIdsCarryTheirCreationTime() {
        long before = System.currentTimeMillis();
        String id = new UniqueIdMgr("orders-1.").get();
        assertThat(TransactionIds.createdAt("orders-1.", id)).get()
                .satisfies(at -> assertThat(at).isBetween(Instant.ofEpochMilli(before), Instant.now()));
    }

    @Test
    void idsOfAnotherNameOrFormatHaveNoCreationTime() {
        assertThat(TransactionIds.createdAt("orders-1.", "orders-2.176371920000000001")).isEmpty();
        assertThat(TransactionIds.createdAt("orders-1.", "orders-1.12345")).isEmpty();
        assertThat(TransactionIds.createdAt("orders-1.", "orders-1.17637192000000000x")).isEmpty();
        assertThat(TransactionIds.createdAt("orders-1.", null)).isEmpty();
    }
}
