package dev.twophase.coordinator.xa;

import javax.transaction.xa.XAException;

/** Names of XA error codes for log lines and status, e.g. {@code XAER_RMFAIL (-7)}. */
public final class XaCodes {

    private XaCodes() {
    }

    /** The code's constant name and value, e.g. {@code XAER_RMFAIL (-7)}. */
    public static String name(int code) {
        return constant(code) + " (" + code + ")";
    }

    /** The code's constant name, e.g. {@code XAER_RMFAIL}; {@code XA_RB*} for the rollback codes. */
    public static String constant(int code) {
        return switch (code) {
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND ? "XA_RB*" : "XA error";
        };
    }

    /** The exception's code and message, for an error column. */
    public static String describe(XAException e) {
        return name(e.errorCode) + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    public static boolean isHeuristic(int code) {
        return code == XAException.XA_HEURHAZ || code == XAException.XA_HEURCOM || code == XAException.XA_HEURRB
                || code == XAException.XA_HEURMIX;
    }

    public static boolean isRollback(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }
}
