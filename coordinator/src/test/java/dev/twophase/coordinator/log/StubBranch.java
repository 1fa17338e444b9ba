package dev.twophase.coordinator.log;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.PlainXid;

/**
 * A branch on the last resource whose one-phase commit fails without an answer ({@code XAER_RMFAIL}),
 * after doing what the test says the database did, and whose rollback on its own connection answers
 * as the test says. Records which of its methods the decision called, in order.
 */
final class StubBranch implements LastResource.Branch {

    /** What the database did before the answer was lost. */
    @FunctionalInterface
    interface BeforeTheLostAnswer {
        void run() throws Exception;
    }

    private final String gtrid;
    private final BeforeTheLostAnswer databaseDid;
    private final boolean abandonAnswers;
    final List<String> calls = new CopyOnWriteArrayList<>();

    StubBranch(String gtrid, BeforeTheLostAnswer databaseDid, boolean abandonAnswers) {
        this.gtrid = gtrid;
        this.databaseDid = databaseDid;
        this.abandonAnswers = abandonAnswers;
    }

    /** A commit that never reached the database, on a connection that is gone (its rollback fails too). */
    static StubBranch lostConnection(String gtrid) {
        return new StubBranch(gtrid, () -> { }, false);
    }

    @Override
    public Xid xid() {
        return PlainXid.of(0x41544F4D, gtrid, gtrid + ".1");
    }

    @Override
    public void commitOnePhase() throws XAException {
        calls.add("commitOnePhase");
        try {
            databaseDid.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new XAException(XAException.XAER_RMFAIL);
    }

    @Override
    public void committed() {
        calls.add("committed");
    }

    @Override
    public boolean abandon() {
        calls.add("abandon");
        return abandonAnswers;
    }

    @Override
    public void rolledBack() {
        calls.add("rolledBack");
    }
}
