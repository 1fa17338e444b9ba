package dev.twophase.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.twophase.coordinator.console.ActionResult;
import dev.twophase.coordinator.console.BranchView;
import dev.twophase.coordinator.console.CoordinatorMXBean;
import dev.twophase.coordinator.console.LogRecordView;

/**
 * A coordinator console with canned branches and log records. Actions are recorded in {@link #calls} and
 * answer by their target: {@link #REFUSED_XID} is refused without force, {@link #FAILING_XID} throws, an XID
 * not in {@link #branches} is NOT_FOUND, anything else is DONE.
 */
public final class FakeCoordinator implements CoordinatorMXBean {

    static final String GTRID_1 = "demo-1.171800000000000001";
    static final String COMMITTABLE_XID = GTRID_1 + ":demo-1.3";
    static final String COMMITTABLE_XID_2 = GTRID_1 + ":demo-1.4";
    static final String REFUSED_XID = "demo-1.171800000000000002:demo-1.5";
    static final String FAILING_XID = "demo-1.171800000000000003:demo-1.6";
    static final String LONG_REASON = "no commit decision in the recovery log: the transaction never reached its commit "
            + "decision, so it is presumed aborted and rolling it back is safe";

    /** One operator action as the console received it. */
    record Call(String operation, String target, boolean force, String reason) {
    }

    final List<BranchView> branches = new CopyOnWriteArrayList<>();
    final List<LogRecordView> records = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Back to the canned state: three branches of two transactions, two log records, no calls. */
    void reset() {
        String threeMinutesAgo = Instant.now().minusSeconds(192).toString();
        branches.clear();
        branches.add(new BranchView("bank-a", COMMITTABLE_XID, GTRID_1, "demo-1.3", 4660, threeMinutesAgo, "PREVIOUS", false,
                "COMMIT", "COMMIT", "the log holds the commit decision"));
        branches.add(new BranchView("bank-b", COMMITTABLE_XID_2, GTRID_1, "demo-1.4", 4660, threeMinutesAgo, "PREVIOUS", false,
                "COMMIT", "COMMIT", "the log holds the commit decision"));
        branches.add(new BranchView("broker", REFUSED_XID, "demo-1.171800000000000002", "demo-1.5", 4660, null, "CURRENT", true,
                "NONE", "ROLLBACK", LONG_REASON));
        records.clear();
        records.add(new LogRecordView(GTRID_1, "COMMITTING", "2026-11-21T13:40:00Z", "2026-11-22T13:40:00Z", 2));
        records.add(new LogRecordView("demo-1.171800000000000009", "IN_DOUBT", "2026-11-21T13:41:00Z", "2026-11-22T13:41:00Z", 0));
        calls.clear();
    }

    @Override
    public String getTmName() {
        return "demo-1";
    }

    @Override
    public String getLogDirectory() {
        return "/var/lib/twophase/log";
    }

    @Override
    public String getAuditFile() {
        return "/var/lib/twophase/audit.jsonl";
    }

    @Override
    public long getCommitted() {
        return 1234;
    }

    @Override
    public long getRolledBack() {
        return 56;
    }

    @Override
    public long getHeuristic() {
        return 1;
    }

    @Override
    public long getInFlight() {
        return 2;
    }

    @Override
    public List<String> getRecoveringFor() {
        return List.of("dead-1.");
    }

    @Override
    public List<String> listTakeovers() {
        return List.of();
    }

    @Override
    public String getRecoveryState() {
        return "COMPLETE";
    }

    @Override
    public int getInDoubt() {
        return branches.size();
    }

    @Override
    public List<LogRecordView> listLogRecords() {
        return List.copyOf(records);
    }

    @Override
    public List<BranchView> listInDoubtBranches() {
        return List.copyOf(branches);
    }

    @Override
    public List<BranchView> showBranch(String xidOrGtrid) {
        return branches.stream().filter(b -> b.getXid().equals(xidOrGtrid) || b.getGtrid().equals(xidOrGtrid)).toList();
    }

    @Override
    public ActionResult commit(String xid, boolean force, String reason) {
        return decide("commit", xid, force, reason);
    }

    @Override
    public ActionResult rollback(String xid, boolean force, String reason) {
        return decide("rollback", xid, force, reason);
    }

    private ActionResult decide(String action, String xid, boolean force, String reason) {
        calls.add(new Call(action, xid, force, reason));
        if (FAILING_XID.equals(xid)) {
            throw new IllegalStateException("participant bank-c is not configured");
        }
        BranchView branch = branches.stream().filter(b -> b.getXid().equals(xid)).findFirst().orElse(null);
        if (branch == null) {
            return new ActionResult(action, xid, null, "NOT_FOUND", force, false, "no participant lists " + xid + " as prepared",
                    "audit-" + calls.size());
        }
        if (REFUSED_XID.equals(xid) && !force) {
            return new ActionResult(action, xid, branch.getParticipant(), "REFUSED", false, false,
                    "the log holds no commit decision: committing would be a heuristic decision", "audit-" + calls.size());
        }
        return new ActionResult(action, xid, branch.getParticipant(), "DONE", force, force,
                action + (force ? " forced" : "") + " on " + branch.getParticipant(), "audit-" + calls.size());
    }

    @Override
    public ActionResult forget(String xidOrGtrid, String reason) {
        calls.add(new Call("forget", xidOrGtrid, false, reason));
        return new ActionResult("forget", xidOrGtrid, null, "ALREADY_RESOLVED", false, false,
                "no participant knows " + xidOrGtrid + " any more", "audit-" + calls.size());
    }

    @Override
    public ActionResult recoverNow() {
        calls.add(new Call("recover", "", false, null));
        return new ActionResult("recover", "", null, "STARTED", false, false, "recovery pass 7 started", "audit-" + calls.size());
    }
}
