package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/**
 * The log's write listeners (the protocol timeline's feed): told of each record once it is durable,
 * never able to turn a durable write into a failure, and gone once their handle is closed.
 */
class LogWriteListenerTest {

    private static final String TM = "tm-listen";

    @Test
    void listenersHearEachDurableRecordAndCannotFailTheWrite() throws Exception {
        GroupCommitLogTest.GatedStore store = new GroupCommitLogTest.GatedStore();
        GroupCommitLog group = new GroupCommitLog(store, TM, 1000, 86_400_000);
        OnePhaseAwareLog log = new OnePhaseAwareLog(group, group);
        List<String> heard = new CopyOnWriteArrayList<>();
        try (AutoCloseable listening = OnePhaseAwareLog.onWrite((id, state, start, end) -> {
                    assertThat(end).isGreaterThanOrEqualTo(start);
                    assertThat(store.forced).as("durable before the listener hears of it").extracting(r -> r.id).contains(id);
                    heard.add(id + " " + state);
                });
                AutoCloseable failing = OnePhaseAwareLog.onWrite((id, state, start, end) -> {
                    throw new IllegalStateException("a broken listener");
                })) {
            PendingTransactionRecord record = new PendingTransactionRecord(TM + ".1", TxState.COMMITTING, System.currentTimeMillis() + 60_000,
                    null);
            assertThatCode(() -> log.write(record)).as("a listener's failure is not the write's").doesNotThrowAnyException();
            assertThat(group.get(TM + ".1").state).isEqualTo(TxState.COMMITTING);
        }
        assertThat(heard).containsExactly(TM + ".1 COMMITTING");

        log.write(new PendingTransactionRecord(TM + ".1", TxState.TERMINATED, System.currentTimeMillis() + 60_000, null));
        assertThat(heard).as("nothing after the handle was closed").hasSize(1);
    }
}
