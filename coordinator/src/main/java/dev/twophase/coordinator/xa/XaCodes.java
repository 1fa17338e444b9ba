package dev.twophase.coordinator.xa;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.transaction.xa.XAException;

/**
 * The one table of XA error code names: for log lines and status ({@link #name}, e.g.
 * {@code XAER_RMFAIL (-7)}), and for reading a name back ({@link #code}, e.g. in a fault rule).
 *
 * <p>The aliases {@code XA_RBBASE} and {@code XA_RBEND} are not names of their own (they equal
 * {@code XA_RBROLLBACK} and {@code XA_RBTRANSIENT}), and {@code XA_RDONLY} is a prepare vote, not an
 * error, so {@link #code} does not accept it.
 */
public final class XaCodes {

    private static final Map<String, Integer> ERRORS_BY_NAME;
    private static final Map<Integer, String> NAMES_BY_CODE;

    static {
        Map<String, Integer> codes = new LinkedHashMap<>();
        codes.put("XA_RBROLLBACK", XAException.XA_RBROLLBACK);
        codes.put("XA_RBCOMMFAIL", XAException.XA_RBCOMMFAIL);
        codes.put("XA_RBDEADLOCK", XAException.XA_RBDEADLOCK);
        codes.put("XA_RBINTEGRITY", XAException.XA_RBINTEGRITY);
        codes.put("XA_RBOTHER", XAException.XA_RBOTHER);
        codes.put("XA_RBPROTO", XAException.XA_RBPROTO);
        codes.put("XA_RBTIMEOUT", XAException.XA_RBTIMEOUT);
        codes.put("XA_RBTRANSIENT", XAException.XA_RBTRANSIENT);
        codes.put("XA_NOMIGRATE", XAException.XA_NOMIGRATE);
        codes.put("XA_HEURHAZ", XAException.XA_HEURHAZ);
        codes.put("XA_HEURCOM", XAException.XA_HEURCOM);
        codes.put("XA_HEURRB", XAException.XA_HEURRB);
        codes.put("XA_HEURMIX", XAException.XA_HEURMIX);
        codes.put("XA_RETRY", XAException.XA_RETRY);
        codes.put("XAER_ASYNC", XAException.XAER_ASYNC);
        codes.put("XAER_RMERR", XAException.XAER_RMERR);
        codes.put("XAER_NOTA", XAException.XAER_NOTA);
        codes.put("XAER_INVAL", XAException.XAER_INVAL);
        codes.put("XAER_PROTO", XAException.XAER_PROTO);
        codes.put("XAER_RMFAIL", XAException.XAER_RMFAIL);
        codes.put("XAER_DUPID", XAException.XAER_DUPID);
        codes.put("XAER_OUTSIDE", XAException.XAER_OUTSIDE);
        Map<Integer, String> names = new LinkedHashMap<>();
        codes.forEach((name, code) -> names.put(code, name));
        names.put(XAException.XA_RDONLY, "XA_RDONLY");
        ERRORS_BY_NAME = Collections.unmodifiableMap(codes);
        NAMES_BY_CODE = Collections.unmodifiableMap(names);
    }

    private XaCodes() {
    }

    /** The code's constant name and value, e.g. {@code XAER_RMFAIL (-7)}. */
    public static String name(int code) {
        return constant(code) + " (" + code + ")";
    }

    /** The code's constant name, e.g. {@code XAER_RMFAIL}; {@code XA error} for a code XA does not define. */
    public static String constant(int code) {
        return NAMES_BY_CODE.getOrDefault(code, "XA error");
    }

    /**
     * The error code with this constant name.
     *
     * @param name a constant name such as {@code XAER_RMFAIL}, in any case
     * @throws IllegalArgumentException naming the accepted names
     */
    public static int code(String name) {
        Integer code = name == null ? null : ERRORS_BY_NAME.get(name.trim().toUpperCase(Locale.ROOT));
        if (code == null) {
            throw new IllegalArgumentException("unknown XAException error code '" + name + "'; expected one of "
                    + String.join(", ", ERRORS_BY_NAME.keySet()));
        }
        return code;
    }

    /** Whether {@link #code} accepts this code's name, i.e. it is an XA error code and not a vote. */
    public static boolean isError(int code) {
        return code != XAException.XA_RDONLY && NAMES_BY_CODE.containsKey(code);
    }

    /** The exception's code and message, for an error column. */
    public static String describe(XAException e) {
        return name(e.errorCode) + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Whether the code reports a heuristic outcome ({@code XA_HEUR*}). */
    public static boolean isHeuristic(int code) {
        return code == XAException.XA_HEURHAZ || code == XAException.XA_HEURCOM || code == XAException.XA_HEURRB
                || code == XAException.XA_HEURMIX;
    }

    /** Whether the code says the branch was rolled back ({@code XA_RB*}). */
    public static boolean isRollback(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }
}
