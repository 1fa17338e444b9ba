package dev.twophase.coordinator.recovery;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

/**
 * An in-memory XA resource manager that keeps prepared branches across "restarts" of the
 * coordinator, as PostgreSQL, MariaDB and Artemis do, and forgets a branch once it is committed or
 * rolled back ({@code XAER_NOTA} afterwards). Failures can be scripted. Thread-safe.
 */
final class FakeResourceManager {

    enum State {
        ACTIVE, PREPARED, COMMITTED, ROLLED_BACK, HEURISTICALLY_ROLLED_BACK, FORGOTTEN
    }

    enum Op {
        RECOVER, PREPARE, COMMIT, ROLLBACK
    }

    private final String name;
    private final Map<XidText.Key, State> branches = new LinkedHashMap<>();
    private final Map<XidText.Key, Xid> xids = new LinkedHashMap<>();
    private final Map<XidText.Key, List<State>> history = new LinkedHashMap<>();
    private final Map<Op, Integer> failuresToInject = new EnumMap<>(Op.class);
    private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
    private final AtomicInteger notas = new AtomicInteger();
    private int failureCode;
    private boolean failAfterEffect;
    private Integer unreachableCode;
    private boolean rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare;
    private boolean voteReadOnly;
    private volatile long completionDelayMillis;

    FakeResourceManager(String name) {
        this.name = name;
        for (Op op : Op.values()) {
            calls.put(op, new AtomicInteger());
        }
    }

    String name() {
        return name;
    }

    /** A branch left prepared by an earlier run of a coordinator. */
    synchronized FakeResourceManager prepared(Xid xid) {
        set(xid, State.PREPARED);
        return this;
    }

    /** What an operator's ROLLBACK PREPARED does. */
    synchronized void rollBackBehindTheCoordinatorsBack(Xid xid) {
        if (stateOf(XidText.key(xid)) != State.PREPARED) {
            throw new IllegalStateException("not prepared: " + xid);
        }
        set(xid, State.ROLLED_BACK);
    }

    /** The participant decides on its own; it reports XA_HEURRB and lists the branch until told to forget it. */
    synchronized void rollBackHeuristically(Xid xid) {
        if (stateOf(XidText.key(xid)) != State.PREPARED) {
            throw new IllegalStateException("not prepared: " + xid);
        }
        set(xid, State.HEURISTICALLY_ROLLED_BACK);
    }

    synchronized void rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare() {
        rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare = true;
    }

    /** Each commit and rollback takes this long, outside the RM's lock, so that callers overlap. */
    void slowDown(long millis) {
        completionDelayMillis = millis;
    }

    /** How many commit and rollback calls failed with XAER_NOTA: the branch was already completed. */
    int notas() {
        return notas.get();
    }

    private void pause() {
        if (completionDelayMillis > 0) {
            try {
                Thread.sleep(completionDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized void voteReadOnly() {
        voteReadOnly = true;
    }

    /** The next {@code times} calls of {@code op} fail with {@code errorCode}, before doing anything. */
    synchronized void failNext(Op op, int times, int errorCode) {
        failuresToInject.put(op, times);
        failureCode = errorCode;
        failAfterEffect = false;
    }

    /** The next call of {@code op} does its work and then fails, like a reply lost on the network. */
    synchronized void failNextAfterEffect(Op op, int errorCode) {
        failuresToInject.put(op, 1);
        failureCode = errorCode;
        failAfterEffect = true;
    }

    /** Every call fails with {@code errorCode} (e.g. XAER_RMFAIL) until {@link #reachable()}. */
    synchronized void unreachable(int errorCode) {
        unreachableCode = errorCode;
    }

    synchronized void reachable() {
        unreachableCode = null;
    }

    synchronized State state(Xid xid) {
        return stateOf(XidText.key(xid));
    }

    /** Every state the branch went through, in order. */
    synchronized List<State> history(Xid xid) {
        return List.copyOf(history.getOrDefault(XidText.key(xid), List.of()));
    }

    synchronized List<Xid> preparedXids() {
        List<Xid> result = new ArrayList<>();
        branches.forEach((key, state) -> {
            if (state == State.PREPARED || state == State.HEURISTICALLY_ROLLED_BACK) {
                result.add(PlainXid.copyOf(xids.get(key)));
            }
        });
        return result;
    }

    int calls(Op op) {
        return calls.get(op).get();
    }

    XAResource xaResource() {
        synchronized (this) {
            if (ownerOnly) {
                return new ConnectionBoundXAResource();
            }
        }
        return new FakeXAResource();
    }

    /** What a MariaDB connection's XAResource is to the XA chain: its prepared branches stay with it. */
    private final class ConnectionBoundXAResource extends FakeXAResource implements dev.twophase.coordinator.xa.PreparedBranches.ConnectionBound {
    }

    /** Which resource prepared each branch, when {@link #likeMariaDb} is on. */
    private final Map<XidText.Key, XAResource> preparedBy = new java.util.HashMap<>();
    private boolean ownerOnly;

    /**
     * As MariaDB: while the connection that prepared a branch lives, only it can commit or roll the branch
     * back; any other answers {@code XAER_NOTA} although {@code recover} lists the branch.
     */
    synchronized FakeResourceManager likeMariaDb() {
        ownerOnly = true;
        return this;
    }

    /** Throws XAER_NOTA when another resource than {@code caller} prepared the branch (MariaDB). */
    private void checkOwner(Xid xid, XAResource caller) throws XAException {
        XAResource owner = preparedBy.get(XidText.key(xid));
        if (ownerOnly && owner != null && owner != caller) {
            notas.incrementAndGet();
            throw new XAException(XAException.XAER_NOTA);
        }
    }

    private State stateOf(XidText.Key key) {
        return branches.get(key);
    }

    private void set(Xid xid, State state) {
        XidText.Key key = XidText.key(xid);
        branches.put(key, state);
        xids.putIfAbsent(key, PlainXid.copyOf(xid));
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(state);
    }

    private synchronized void before(Op op) throws XAException {
        calls.get(op).incrementAndGet();
        if (unreachableCode != null) {
            throw new XAException(unreachableCode);
        }
        Integer left = failuresToInject.get(op);
        if (left != null && left > 0 && !failAfterEffect) {
            failuresToInject.put(op, left - 1);
            throw new XAException(failureCode);
        }
    }

    private synchronized void after(Op op) throws XAException {
        Integer left = failuresToInject.get(op);
        if (left != null && left > 0 && failAfterEffect) {
            failuresToInject.put(op, left - 1);
            throw new XAException(failureCode);
        }
    }

    private class FakeXAResource implements XAResource {

        @Override
        public void start(Xid xid, int flags) throws XAException {
            synchronized (FakeResourceManager.this) {
                if (flags == TMNOFLAGS) {
                    set(xid, State.ACTIVE);
                }
            }
        }

        @Override
        public void end(Xid xid, int flags) {
            // nothing to do: the fake has no work to associate
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            before(Op.PREPARE);
            synchronized (FakeResourceManager.this) {
                if (stateOf(XidText.key(xid)) != State.ACTIVE) {
                    throw new XAException(XAException.XAER_NOTA);
                }
                if (voteReadOnly) {
                    set(xid, State.COMMITTED);
                    return XA_RDONLY;
                }
                set(xid, State.PREPARED);
                preparedBy.put(XidText.key(xid), this);
                if (rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare) {
                    set(xid, State.ROLLED_BACK);
                }
            }
            after(Op.PREPARE);
            return XA_OK;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            before(Op.COMMIT);
            pause();
            synchronized (FakeResourceManager.this) {
                State expected = onePhase ? State.ACTIVE : State.PREPARED;
                if (stateOf(XidText.key(xid)) == State.HEURISTICALLY_ROLLED_BACK) {
                    throw new XAException(XAException.XA_HEURRB);
                }
                if (stateOf(XidText.key(xid)) != expected) {
                    notas.incrementAndGet();
                    throw new XAException(XAException.XAER_NOTA);
                }
                checkOwner(xid, this);
                set(xid, State.COMMITTED);
            }
            after(Op.COMMIT);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            before(Op.ROLLBACK);
            pause();
            synchronized (FakeResourceManager.this) {
                State state = stateOf(XidText.key(xid));
                if (state == State.HEURISTICALLY_ROLLED_BACK) {
                    throw new XAException(XAException.XA_HEURRB);
                }
                if (state != State.ACTIVE && state != State.PREPARED) {
                    notas.incrementAndGet();
                    throw new XAException(XAException.XAER_NOTA);
                }
                checkOwner(xid, this);
                set(xid, State.ROLLED_BACK);
            }
            after(Op.ROLLBACK);
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            before(Op.RECOVER);
            if ((flag & TMSTARTRSCAN) == 0) {
                return new Xid[0];
            }
            return preparedXids().toArray(Xid[]::new);
        }

        @Override
        public void forget(Xid xid) throws XAException {
            synchronized (FakeResourceManager.this) {
                if (stateOf(XidText.key(xid)) != State.HEURISTICALLY_ROLLED_BACK) {
                    throw new XAException(XAException.XAER_NOTA);
                }
                set(xid, State.FORGOTTEN);
            }
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other instanceof FakeXAResource fake && fake.rm() == FakeResourceManager.this;
        }

        private FakeResourceManager rm() {
            return FakeResourceManager.this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }

        @Override
        public String toString() {
            return "FakeXAResource[" + name + "]";
        }
    }
}
