package dev.twophase.coordinator.recovery;

import javax.transaction.xa.Xid;

/**
 * Whether the committing thread has yet to try the first commit of a branch it prepared. Prompt
 * recovery commits a branch of a live transaction whose commit is decided only once that first
 * commit has been tried (and failed) or, failing that knowledge, after the default timeout: a
 * branch committed by recovery before the transaction's own first commit would answer that commit
 * {@code XAER_NOTA}, which {@link HeuristicGuard} must read as "rolled back behind our back".
 */
@FunctionalInterface
public interface CommitAttempts {

    /** Nothing is known: every branch counts as still awaiting its first commit. */
    CommitAttempts UNKNOWN = (participant, xid) -> true;

    /** Whether {@code participant}'s branch {@code xid} was prepared in this process and no commit of it has been tried yet. */
    boolean awaitingFirstCommit(String participant, Xid xid);
}
